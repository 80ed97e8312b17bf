#!/usr/bin/python3
"""Checks that psearch gives one person one entity, with a readable name.

    entity_check.py [--json] [--min-hillary N] BIN INDEX DOCS PERSON...

BIN is the folder of psearch; INDEX an index of the text files in DOCS
(built by the caller); each PERSON is "Full Name[|other name words]", e.g.
"Hillary Clinton|Rodham" (the other words are middle names a text may
use). Standard library only; used by `make entity-eval` on the PolNeAR
articles and by tests/T053-entity-identity.sh on generated articles.

It reports, from the facets (100 per type) of `path:/`, a query every
article matches:
  caps    display names in capitals ("HILLARY CLINTON") where the texts
          also write the name in mixed case (a word-bounded,
          case-insensitive match that is not all capitals); acronyms (one
          word of at most five letters) aside;
  junk    rows whose name is a title or honorific alone ("Sen", "Rep")
          or a contraction ("I'm");
and, for each PERSON, from the facets of the query "SURNAME OR FIRST" (so
that rare variants are not crowded out of the top 100): the rows of any
type whose name, once titles are left out, uses only that person's
name words and at least one that is not an initial ("Hillary",
"Mrs. Clinton", "HILLARY RODHAM CLINTON"): there should be exactly one,
a person. Finally `person:FIRST`'s article count against the articles
that write FIRST at all.

Exit status 0 when caps = junk = 0, every person is one person row, and
person:FIRST of the first PERSON finds at least --min-hillary articles
(default: 0, no floor); 1 otherwise; 2 on a usage or run error.
"""
import json
import os
import re
import subprocess
import sys

TITLES = {
    'mr', 'mrs', 'ms', 'miss', 'mx', 'dr', 'prof', 'madam', 'sir', 'dame',
    'sen', 'senator', 'rep', 'representative', 'gov', 'governor', 'president',
    'secretary', 'director', 'vice', 'former', 'candidate', 'congressman',
    'congresswoman', 'speaker', 'mayor', 'judge', 'justice', 'gen', 'general',
    'lt', 'col', 'adm', 'rev', 'st', 'pres', 'sec', 'atty', 'attorney',
}
# A row named only by one of these is junk: an abbreviated title the
# tagger took for a name ("Sen", "Rep").
JUNK = {'mr', 'mrs', 'ms', 'mx', 'dr', 'prof', 'sen', 'rep', 'gov', 'pres',
        'sec', 'lt', 'col', 'gen', 'adm', 'rev', 'sgt', 'capt', 'atty'}
CONTRACTIONS = re.compile(r"^[A-Za-z]+['\u2019](m|s|re|ve|ll|d|t)$", re.I)


def words(name):
    """Lowercase words of NAME, a final possessive dropped."""
    name = re.sub(r"['\u2019]s?$", '', name.strip())
    return [w for w in re.split(r"[^\w]+", name.lower()) if w]


def psearch(bin_dir, index, *args):
    cmd = [os.path.join(bin_dir, 'psearch'), '--direct', '--index', index,
           '--json', '--count'] + list(args)
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode not in (0, 1):
        sys.exit('entity_check: %s failed (%d): %s'
                 % (' '.join(cmd), r.returncode, r.stderr.strip()))
    lines = r.stdout.strip().splitlines()
    return json.loads(lines[-1]) if lines else {}


def facet_rows(bin_dir, index, query):
    j = psearch(bin_dir, index, '--facets=100', query)
    rows = []
    for ty, lst in (j.get('facets') or {}).items():
        # "quoted" lists speakers, the same entities again.
        if ty not in ('person', 'place', 'org', 'treaty', 'misc'):
            continue
        for r in lst:
            rows.append(dict(r, type=ty))
    return rows


def read_texts(docs):
    texts = []
    for dirpath, _, files in os.walk(docs):
        for f in sorted(files):
            with open(os.path.join(dirpath, f), encoding='utf-8',
                      errors='replace') as fh:
                texts.append(fh.read())
    return texts


def mixed_case_exists(name, texts):
    pat = re.compile(r'(?<!\w)' + re.escape(name) + r'(?!\w)', re.I)
    for t in texts:
        for m in pat.finditer(t):
            s = m.group(0)
            if s != s.upper():
                return True
    return False


def is_caps(name):
    return any(c.isalpha() for c in name) and name == name.upper() and \
        sum(c.isalpha() for c in name) > 1 and \
        len(words(name)) >= 1 and name.upper() != name.lower()


def person_rows(rows, full, extra):
    allowed = set(words(full)) | set(words(extra))
    out = []
    for r in rows:
        ws = [w for w in words(r['name']) if w not in TITLES]
        if ws and set(ws) <= allowed and any(len(w) > 1 for w in ws):
            out.append(r)
    return out


def main():
    args = sys.argv[1:]
    as_json = '--json' in args
    args = [a for a in args if a != '--json']
    floor = 0
    if '--min-hillary' in args:
        i = args.index('--min-hillary')
        floor = int(args[i + 1])
        del args[i:i + 2]
    if len(args) < 3:
        sys.exit(__doc__.split('\n\n')[1])
    bin_dir, index, docs = args[:3]
    people = args[3:]
    texts = read_texts(docs)
    everything = psearch(bin_dir, index, 'path:/')
    rows = facet_rows(bin_dir, index, 'path:/')
    # An acronym ("ISIS", "NATO": one word of at most five letters) is
    # rightly written in capitals, whatever else the texts write.
    caps = sorted({(r['type'], r['name']) for r in rows if is_caps(r['name'])
                   and not (len(words(r['name'])) == 1 and len(r['name']) <= 5)
                   and mixed_case_exists(r['name'], texts)})
    junk = sorted({(r['type'], r['name']) for r in rows
                   if (len(words(r['name'])) == 1 and
                       words(r['name'])[0] in JUNK) or
                   CONTRACTIONS.match(r['name'])})
    out = {'articles': everything.get('total', 0),
           'caps_names': ['%s:%s' % c for c in caps],
           'junk_names': ['%s:%s' % c for c in junk], 'people': {}}
    ok = not caps and not junk
    first_of = None
    for spec in people:
        full, _, extra = spec.partition('|')
        ws = full.split()
        first, last = ws[0], ws[-1]
        if first_of is None:
            first_of = first
        prow = person_rows(facet_rows(bin_dir, index, '%s OR %s' % (last, first)),
                           full, extra)
        good = len(prow) == 1 and prow[0]['type'] == 'person'
        ok = ok and good
        out['people'][full] = {
            'rows': len(prow), 'ok': good,
            'ids': ['%s:%s (%s, %d docs)' % (r['type'], r['id'], r['name'], r['docs'])
                    for r in sorted(prow, key=lambda r: -r['docs'])]}
    if first_of:
        n = psearch(bin_dir, index, 'person:' + first_of).get('total', 0)
        said = psearch(bin_dir, index, first_of).get('total', 0)
        out['person_first'] = {'query': 'person:' + first_of, 'articles': n,
                               'articles_with_word': said}
        ok = ok and n >= floor
    out['ok'] = ok
    if as_json:
        print(json.dumps(out, indent=1, sort_keys=True))
    else:
        print('%d articles; display names in capitals where mixed case exists: %d%s'
              % (out['articles'], len(caps),
                 (' (' + ', '.join(out['caps_names'][:12]) +
                  (', ...' if len(caps) > 12 else '') + ')') if caps else ''))
        print('junk names (a title alone, a contraction): %d%s'
              % (len(junk), (' (' + ', '.join(out['junk_names']) + ')') if junk else ''))
        for full, p in out['people'].items():
            print('%-16s %d row%s%s: %s' % (
                full, p['rows'], '' if p['rows'] == 1 else 's',
                '' if p['ok'] else ' (want 1, a person)', '; '.join(p['ids'])))
        if first_of:
            pf = out['person_first']
            print('%s: %d articles (%d write "%s")' % (
                pf['query'], pf['articles'], pf['articles_with_word'], first_of))
        print('entity check: %s' % ('passed' if ok else 'FAILED'))
    sys.exit(0 if ok else 1)


if __name__ == '__main__':
    main()
