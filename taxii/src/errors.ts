/**
 * TAXII error messages: every refusal is a TAXII error resource (`title`, `description`, `http_status`
 * as a string) with the TAXII media type, never an HTML or framework error page.
 */
export class TaxiiError extends Error {
  readonly status: number;
  readonly title: string;
  readonly errorCode: string | undefined;

  constructor(status: number, title: string, description: string, errorCode?: string) {
    super(description);
    this.name = 'TaxiiError';
    this.status = status;
    this.title = title;
    this.errorCode = errorCode;
  }

  body(): Record<string, string> {
    return {
      title: this.title,
      description: this.message,
      http_status: String(this.status),
      ...(this.errorCode !== undefined ? { error_code: this.errorCode } : {}),
    };
  }
}

export const badRequest = (description: string, code?: string): TaxiiError => new TaxiiError(400, 'Bad Request', description, code);
export const notFound = (description: string): TaxiiError => new TaxiiError(404, 'Not Found', description);
export const forbidden = (description: string): TaxiiError => new TaxiiError(403, 'Forbidden', description);
