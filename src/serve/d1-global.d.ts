// The app is typed against the Workers global `D1Database`; off Workers it is the same type,
// imported as a module so Workers' other globals do not clash with Node's.
type D1Database = import('@cloudflare/workers-types').D1Database
