// Which version answers a request, by Cadwyn's rules (cadwyn's VersionPickingMiddleware and root
// router, as Airflow's execution_api/app.py configures them): no header → the newest version;
// an exact date → that version; a later date → the newest version not after it; a date before
// the first version → no versioned route at all (404 "Not Found"), the asked date echoed; not a
// date → 422 on the header, as FastAPI writes a failed `date` parameter.

export type Picked =
  | { kind: 'version'; date: string }
  | { kind: 'too-old'; date: string }
  | { kind: 'invalid'; input: string }

const isoDate = /^\d{4}-\d{2}-\d{2}$/

const validDate = (text: string) =>
  isoDate.test(text) && new Date(`${text}T00:00:00Z`).toISOString().startsWith(text)

/** Picks among `dates` (newest first) for the header value `asked`. */
export const pickVersion = (dates: readonly string[], asked: string | null | undefined): Picked => {
  const newest = dates[0] as string
  if (asked === null || asked === undefined) return { kind: 'version', date: newest }
  const text = asked.trim()
  if (!validDate(text)) return { kind: 'invalid', input: asked }
  const date = dates.find((d) => d <= text)
  return date ? { kind: 'version', date } : { kind: 'too-old', date: text }
}

/** The 422 body FastAPI writes for a header that is not a date. */
export const invalidVersionBody = (header: string, input: string) => ({
  detail: [
    {
      type: 'date_from_datetime_parsing',
      loc: ['header', header.toLowerCase()],
      msg: 'Input should be a valid date in the format YYYY-MM-DD',
      input,
    },
  ],
})
