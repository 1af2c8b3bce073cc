/**
 * The library's name and version, sent to Deribit in `public/hello` on every new connection (a test keeps the
 * version equal to package.json's).
 * @module
 */

/** The name this library gives Deribit in `public/hello`. */
export const LIBRARY_NAME = 'deribit-session';

/** This library's version. */
export const LIBRARY_VERSION = '0.1.0';
