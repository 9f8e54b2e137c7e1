/** A page of a list as every list route answers it (CONTRACT.md "Lists"). */
export interface ListPage<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

export interface PageRequest {
  /** 1-based. */
  page?: number;
  pageSize?: number;
}

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

/** LIMIT/OFFSET for a page request (the route's schema already bounds the numbers). */
export function pageWindow(request: PageRequest): {
  page: number;
  pageSize: number;
  limit: number;
  offset: number;
} {
  const page = Math.max(1, Math.floor(request.page ?? 1));
  const pageSize = Math.min(MAX_PAGE_SIZE, Math.max(1, Math.floor(request.pageSize ?? DEFAULT_PAGE_SIZE)));
  return { page, pageSize, limit: pageSize, offset: (page - 1) * pageSize };
}

/** Parses a JSON column that holds an array of strings; anything else is an empty list. */
export function stringArray(text: string | null): string[] {
  if (!text) return [];
  try {
    const value = JSON.parse(text);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}

/** `count(*)` comes back as a string from PostgreSQL (bigint) and a number from SQLite. */
export const toCount = (n: unknown): number => Number(n ?? 0);
