// The README's Contents list every section, and every `#anchor` link in the README resolves:
// several people edit it, and a renamed heading silently breaks the links to it.

import { describe, expect, it } from 'vitest'
import readme from '../README.md?raw'

// Headings outside code blocks (a `# 1.` comment in a shell block is not one).
const prose = readme.replace(/```[\s\S]*?```/g, '')
const headings = [...prose.matchAll(/^(#{2,3}) (.+)$/gm)].map(([, level, text]) => ({
  level: (level as string).length,
  text: text as string,
}))

// GitHub's anchors: lower case, punctuation dropped (hyphens kept), each space a hyphen.
const anchor = (text: string) =>
  text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-')

const contents = prose.slice(
  prose.indexOf('## Contents'),
  prose.indexOf('\n## ', prose.indexOf('## Contents') + 1),
)

describe('README contents and anchors', () => {
  it('lists every section in Contents, in order', () => {
    const listed = [...contents.matchAll(/^ *- \[.+?\]\(#(.+?)\)$/gm)].map(([, a]) => a)
    const sections = headings.filter((h) => h.text !== 'Contents').map((h) => anchor(h.text))
    expect(listed).toEqual(sections)
  })

  it('resolves every #anchor link', () => {
    const known = new Set(headings.map((h) => anchor(h.text)))
    const links = [...prose.matchAll(/\]\(#([^)\s]+)\)/g)].map(([, a]) => a)
    expect(links.length).toBeGreaterThan(headings.length)
    expect(links.filter((a) => !known.has(a as string))).toEqual([])
  })
})
