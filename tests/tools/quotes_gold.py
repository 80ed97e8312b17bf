#!/usr/bin/python3
"""Writes tests/gold/quotes.jsonl, the hand-made attributions of the shipped
articles, from the readable list below, so a reviewer reads and corrects
the annotation as text, never as byte offsets.

    python3 tests/tools/quotes_gold.py [CORPUS_DIR] > tests/gold/quotes.jsonl

Each entry is (file prefix, line, source, cue, content...). Every string is
looked up inside that line of the file (1-based), and must occur there
exactly once as whole words unless written "TEXT@N" (the N-th occurrence, from 1); a
content given as "+L:TEXT" is on line L instead (a quote continued on the
next line). "" as source means the annotators marked none. SPEAKER, the last
element when it is a dict, names the entity id a correct speaker resolution
gives (or "pronoun"/"unnamed"); score.py ignores it. The annotation follows
PolNeAR's conventions (../shared/data/polnear/README.md): indirect content
starts at "that" when there is one, direct content keeps its quotation
marks and the comma inside them, no final full stop, sources are the
shortest noun phrase naming the speaker (pronouns included, unresolved),
one attribution per cue, nested attributions left out (univocal).
"""
import json
import os
import sys

A = [
    # 000: summary of the Mar-a-Lago summit
    ("000", 1, "U.S. and Ukrainian officials", "According to@1",
     "their discussions “aren’t just symbolic” and are centered on a tangible deal",
     {"speaker": "unnamed"}),
    ("000", 1, "media sources", "According to@2",
     "a U.S. security guarantee proposal and a 20-point peace framework are “almost ready,” with the majority of unresolved issues resolved",
     {"speaker": "unnamed"}),
    ("000", 1, "President Trump", "stated",
     "that a peace deal between Russia and Ukraine was “closer than ever”",
     {"speaker": "trump"}),
    ("000", 1, "he", "cautioned",
     "that if certain issues aren’t resolved, the talks may still fail",
     {"speaker": "trump"}),
    ("000", 3, "Kyiv@2", "calls for",
     "an immediate ceasefire along current lines", {"speaker": "kyiv"}),
    ("000", 3, "Zelenskiy@1", "according to",
     "Any territorial modifications",
     "would need public consent (for instance, by a referendum)",
     {"speaker": "zelensky"}),
    ("000", 3, "Trump", "has emphasized",
     "No proposal is final “until I approve it,”", {"speaker": "trump"}),
    ("000", 5, "Deputy Foreign Minister Sergei Ryabkov", "according to",
     "Ukraine is allegedly attempting to “torpedo” the process with a new draft plan",
     {"speaker": "ryabkov"}),
    ("000", 5, "Zelenskiy", "cautioned",
     "that “the war continues” in the absence of an agreement",
     {"speaker": "zelensky"}),
    ("000", 5, "Zelenskiy", "implying",
     "that any disregard for existing boundaries will rekindle hostilities",
     {"speaker": "zelensky"}),
    ("000", 7, "French President Macron", "announced",
     "that progress is being made and that a conference will be held in Paris in early January",
     {"speaker": "macron"}),
    ("000", 9, "Trump", "admitted",
     "that these talks “could still break down, leaving the war dragging on”",
     {"speaker": "trump"}),
    # 001: CNN-style report of the Berlin talks
    ("001", 1, "President Donald Trump", "says",
     "that Russia and Ukraine are closer to peace than they have ever been",
     {"speaker": "trump"}),
    ("001", 6, "Ukrainian President Volodymyr Zelenskyy", "told",
     "that Kyiv had now been offered an equivalent of NATO’s Article 5 deterrence mechanism, under which an attack on one member is considered an attack on them all",
     {"speaker": "zelensky"}),
    ("001", 7, "he", "said", "This guarantee would be legally binding",
     "voted on and approved by the U.S. Congress", {"speaker": "zelensky"}),
    ("001", 8, "Zelenskyy", "said",
     "the latest draft was not \"perfect\" but was \"very workable.\"",
     {"speaker": "zelensky"}),
    ("001", 9, "a U.S. official", "told",
     "These guarantees are \"the biggest win so far for Ukraine and for Europe,\"",
     {"speaker": "unnamed"}),
    ("001", 9, "a U.S. official", "warning",
     "that they “will not be on the table forever.”", {"speaker": "unnamed"}),
    ("001", 9, "The official", "added",
     "that they believe Russia will accept it in a final deal",
     {"speaker": "unnamed"}),
    ("001", 11, "Zelenskyy", "has maintained",
     "that any deal would need to provide concrete security guarantees to prevent future attacks by Russia",
     {"speaker": "zelensky"}),
    ("001", 12, "European leaders", "suggested",
     "their countries could lead a “multinational force” supported by the U.S. that would “assist in the regeneration of Ukraine’s forces, in securing Ukraine’s skies, and in supporting safer seas,” alongside a U.S.-led ceasefire monitoring, verification and deconfliction mechanism",
     {"speaker": "unnamed"}),
    ("001", 13, "Zelenskyy", "said",
     "All of this was discussed on a call with Trump",
     "and the American leader appeared happy with the progress",
     {"speaker": "zelensky"}),
    ("001", 14, "Trump", "said",
     "“I think we’re closer now than we have been ever,”", {"speaker": "trump"}),
    ("001", 17, "Christopher Tuck", "said",
     "“I think that it’s highly unlikely that Putin will buy into this,”",
     "“The draft agreement includes clauses that stand in diametric opposition to policy statements made repeatedly by Russia on what it regards as an acceptable basis for resolving the conflict.”",
     {"speaker": "tuck"}),
    ("001", 18, "John Lough", "said@1",
     "The multinational force is “a clear red line for Putin,”",
     {"speaker": "lough"}),
    ("001", 18, "he", "said@2",
     "The Kremlin will also reject the idea of a U.S.-led ceasefire monitoring and verification mechanism",
     "and will likely ask for restrictions on the kinds of weapons systems available to Kyiv’s forces",
     {"speaker": "lough"}),
    ("001", 20, "Russian Deputy Foreign Minister Sergei Ryabkov", "told",
     "that while he thinks Russia and the U.S. might be “on the verge” of a deal, the agreement can’t include the presence of foreign troops in Ukraine",
     {"speaker": "ryabkov"}),
    ("001", 21, "Lough", "said",
     "“So this is likely to go a few more rounds,”", {"speaker": "lough"}),
    # 002: Witkoff's trip to Moscow
    ("002", 2, "Negotiators", "stress",
     "that the success of the meetings hinges on Putin’s willingness to adapt",
     {"speaker": "unnamed"}),
    ("002", 3, "Secretary of State Marco Rubio", "said",
     "“So much work remains,”", {"speaker": "rubio"}),
    ("002", 3, "he", "added",
     "“But today was again a very productive and useful session where I think additional progress was made,”",
     {"speaker": "rubio"}),
    ("002", 3, "Donald Trump", "noting",
     "“There’s a good chance we can make a deal.”", {"speaker": "trump"}),
    ("002", 4, "Russia@1", "insists",
     "that Ukraine cannot join the North Atlantic Treaty Organization",
     {"speaker": "russia"}),
    ("002", 4, "many European and Ukrainian officials", "proposed",
     "an 800,000 cap", {"speaker": "unnamed"}),
    ("002", 5, "Initial drafts", "indicated",
     "potential Russian recognition of Crimea, along with substantial portions of the Luhansk, Donetsk, Kherson, and Zaporizhzhia regions",
     {"speaker": "unnamed"}),
    ("002", 5, "Yermak@2", "insisted",
     "“Not a single sane person today would sign a document to give up territory,”",
     {"speaker": "yermak"}),
    ("002", 6, "Putin", "has maintained",
     "that Russia is positioned to dictate terms", {"speaker": "putin"}),
    ("002", 6, "Putin", "asserting",
     "that fighting will cease only when Ukrainian forces retreat from the territories they have reclaimed",
     {"speaker": "putin"}),
    ("002", 6, "he", "warned",
     "“If they don’t withdraw, we will achieve this by force,”",
     {"speaker": "putin"}),
    ("002", 7, "Analysts", "note",
     "that Washington retains potential leverage should these negotiations falter",
     {"speaker": "unnamed"}),
    ("002", 8, "Trump, who", "remarked",
     "that a resolution “should have happened a long time ago.”",
     {"speaker": "trump"}),
    ("002", 8, "officials", "indicate",
     "that Washington is not ready to abandon the talks entirely",
     {"speaker": "unnamed"}),
    # 003: a blog's summary
    ("003", 15, "U.S. envoy Steve Witkoff", "has described",
     "recent talks involving Ukrainian and European officials as “productive and constructive,”",
     {"speaker": "witkoff"}),
    ("003", 16, "EU leaders", "emphasizing",
     "the need to back Ukraine’s security and reconstruction while working toward a negotiated end to the conflict",
     {"speaker": "eu"}),
    # 004: The Independent's explainer
    ("004", 6, "We", "believe",
     "quality journalism should be available to everyone, paid for by those who can afford it",
     {"speaker": "unnamed"}),
    ("004", 11, "US president Mr Trump", "said",
     "“I think we’re closer now than we have been, ever,”", {"speaker": "trump"}),
    ("004", 12, "he@2", "says", "he needs to end the war",
     {"speaker": "zelensky"}),
    ("004", 13, "Mr Zelensky", "says", "he cannot and will not give up",
     {"speaker": "zelensky"}),
    ("004", 14, "Mr Zelensky", "has said",
     "he believes the plan is “90 per cent complete”", {"speaker": "zelensky"}),
    ("004", 21, "security experts", "say",
     "it shows the US Mr Zelensky’s approach to negotiating in good faith",
     {"speaker": "unnamed"}),
    ("004", 23, "Brett Bruen", "said",
     "it was “a way for Zelensky to contrast Ukraine’s willingness for significant concessions for peace at a time when Moscow has been short on any significant concessions”",
     {"speaker": "bruen"}),
    ("004", 26, "US officials", "according to",
     "With “90 per cent” of the issues with the draft plan now resolved, Washington finally offered Ukraine safeguards modelled on Nato’s Article 5 clause on collective defence",
     {"speaker": "unnamed"}),
    ("004", 27, "both Ukraine and European leaders", "arguing",
     "that guarantees must come before any talk of land swaps",
     {"speaker": "unnamed"}),
    ("004", 28, "US officials", "said",
     "it was the “platinum standard”, but would not be on offer forever",
     {"speaker": "unnamed"}),
    ("004", 29, "Russia", "says",
     "it will not accept what it calls Nato peacekeepers in Ukraine under any circumstances",
     {"speaker": "russia"}),
    ("004", 32, "Mr Zelensky", "has insisted",
     "he is not willing or able to give up the land Russia demands",
     {"speaker": "zelensky"}),
    ("004", 33, "The US delegation", "believes", "there is room for movement",
     {"speaker": "unnamed"}),
    ("004", 33, "One official", "said",
     "that their side still feels “really good about the progress that we’ve made, including on territories”",
     {"speaker": "unnamed"}),
    ("004", 34, "They", "said",
     "Mr Zelensky will now relay some “thought-provoking ideas” produced by the US to his team",
     {"speaker": "pronoun"}),
    ("004", 35, "Russia’s deputy foreign minister Sergey Ryabkov", "said",
     "Moscow was unwilling to make any concessions on the Donbas, Crimea or ‘Novorossiya’",
     {"speaker": "ryabkov"}),
    ("004", 37, "he", "told",
     "“I think 25 December 2025 will remain in all our memories as a milestone when we truly came close to a solution,”",
     "+38:“But whether we can make the final push and reach an agreement depends on our work and the political will of the other side.”",
     {"speaker": "ryabkov"}),
    ("004", 39, "Mr Zelensky", "acknowledged",
     "that the issue “is a painful one, because Russia wants what it wants, and we can’t go any further”",
     {"speaker": "zelensky"}),
    ("004", 42, "US officials", "said",
     "that Russia would accept Ukraine joining the EU as part of their agreement to end the war",
     {"speaker": "unnamed"}),
    ("004", 43, "A senior source", "told",
     "that they could see Ukraine joining as soon as January 2027",
     {"speaker": "unnamed"}),
    ("004", 43, "diplomats in Brussels", "said",
     "the idea was “unrealistic”", {"speaker": "unnamed"}),
    ("004", 44, "Top EU diplomat Kaja Kallas", "said",
     "that Ukraine’s membership would be a “major security guarantee” in its own right",
     {"speaker": "kallas"}),
    ("004", 48, "A US official", "said",
     "that they were close to finding an agreement whereby both sides could share power",
     {"speaker": "unnamed"}),
]


def find(raw, lines, lineno, text):
    """Byte span of TEXT in line LINENO of RAW (see the module comment)."""
    if text.startswith("+"):
        l, text = text[1:].split(":", 1)
        lineno = int(l)
    nth, explicit = 1, False
    if "@" in text and text.rsplit("@", 1)[1].isdigit():
        text, n = text.rsplit("@", 1)
        nth, explicit = int(n), True
    start = lines[lineno - 1]
    end = raw.index(b"\n", start) if b"\n" in raw[start:] else len(raw)
    line = raw[start:end]
    t = text.encode("utf-8")
    hits = []
    i = line.find(t)
    while i >= 0:
        # Whole words only: "he" is not the end of "the".
        before = line[:i].decode("utf-8")[-1:]
        after = line[i + len(t):].decode("utf-8", "ignore")[:1]
        if not (before.isalnum() or after.isalnum()):
            hits.append(i)
        i = line.find(t, i + 1)
    if len(hits) < nth or (len(hits) > 1 and not explicit):
        raise SystemExit("line %d: %r found %d times" % (lineno, text, len(hits)))
    s = start + hits[nth - 1]
    return [s, s + len(t)]


def main():
    corpus = sys.argv[1] if len(sys.argv) > 1 else "corpus"
    files = sorted(f for f in os.listdir(corpus) if f.endswith(".txt"))
    out = {}
    for f in files:
        raw = open(os.path.join(corpus, f), "rb").read()
        lines = [0] + [i + 1 for i, c in enumerate(raw) if c == 10]
        out[f[:3]] = {"id": f[:-4], "path": "corpus/" + f,
                      "text": raw.decode("utf-8"), "attributions": [],
                      "_raw": raw, "_lines": lines}
    for e in A:
        art = out[e[0]]
        extra = e[-1] if isinstance(e[-1], dict) else {}
        parts = [x for x in e[4:] if isinstance(x, str)]
        raw, lines = art["_raw"], art["_lines"]
        att = {"source": [find(raw, lines, e[1], e[2])] if e[2] else [],
               "cue": [find(raw, lines, e[1], e[3])],
               "content": sorted(find(raw, lines, e[1], p) for p in parts)}
        att.update(extra)
        art["attributions"].append(att)
    for k in sorted(out):
        a = out[k]
        del a["_raw"], a["_lines"]
        a["attributions"].sort(key=lambda t: min(s for sp in (t["source"], t["cue"], t["content"]) for s, _ in sp))
        print(json.dumps(a, ensure_ascii=False))


main()
