/* The analyzer's character classes: what each character does to the
 * scanner (starts a word, joins, ends a sentence...). ASCII by table, the
 * rest by a few named code points and then the Unicode category. */
#include <stdbool.h>
#include <stdint.h>

#include <utf8proc.h>

#include "text/text_private.h"

/* Everything not listed is CL_SEP (zero). */
const uint8_t ps__text_ascii_cls[128] = {
    ['\n'] = CL_BREAK,
    ['\r'] = CL_BREAK,
    ['\v'] = CL_BREAK,
    ['\f'] = CL_BREAK,
    ['\''] = CL_APOS,
    ['-'] = CL_HYPHEN,
    ['.'] = CL_DOT,
    [','] = CL_COMMA,
    ['!'] = CL_STOP,
    ['?'] = CL_STOP,
    [':'] = CL_STOP,
    [';'] = CL_CLAUSE,
    ['0'] = CL_DIGIT,
    ['1'] = CL_DIGIT,
    ['2'] = CL_DIGIT,
    ['3'] = CL_DIGIT,
    ['4'] = CL_DIGIT,
    ['5'] = CL_DIGIT,
    ['6'] = CL_DIGIT,
    ['7'] = CL_DIGIT,
    ['8'] = CL_DIGIT,
    ['9'] = CL_DIGIT,
#define L(c) [c] = CL_LETTER
    L('A'),
    L('B'),
    L('C'),
    L('D'),
    L('E'),
    L('F'),
    L('G'),
    L('H'),
    L('I'),
    L('J'),
    L('K'),
    L('L'),
    L('M'),
    L('N'),
    L('O'),
    L('P'),
    L('Q'),
    L('R'),
    L('S'),
    L('T'),
    L('U'),
    L('V'),
    L('W'),
    L('X'),
    L('Y'),
    L('Z'),
    L('a'),
    L('b'),
    L('c'),
    L('d'),
    L('e'),
    L('f'),
    L('g'),
    L('h'),
    L('i'),
    L('j'),
    L('k'),
    L('l'),
    L('m'),
    L('n'),
    L('o'),
    L('p'),
    L('q'),
    L('r'),
    L('s'),
    L('t'),
    L('u'),
    L('v'),
    L('w'),
    L('x'),
    L('y'),
    L('z'),
#undef L
};

/* The class of a code point outside ASCII: ps__text_ascii_cls gives
 * ASCII's, which this would get wrong for line breaks and punctuation. */
enum cls ps__text_classify(int32_t cp, bool *upper)
{
    *upper = false;
    switch (cp) {
    case 0x2018: /* the apostrophes the header names */
    case 0x2019:
    case 0x02BC: /* a letter (Lm) to Unicode, an apostrophe to readers */
        return CL_APOS;
    case 0x2010:
    case 0x2011:
        return CL_HYPHEN;
    case 0x0085:
    case 0x2028:
    case 0x2029:
        return CL_BREAK;
    case 0x00AD: /* soft hyphen, ZWNJ, ZWJ, word joiner */
    case 0x200C:
    case 0x200D:
    case 0x2060:
        return CL_JOINER;
    case 0x061F: /* Arabic question mark */
    case 0x0964: /* danda */
    case 0x0965:
    case 0x203C: /* double punctuation marks */
    case 0x2047:
    case 0x2048:
    case 0x2049:
    case 0x3002: /* ideographic full stop */
    case 0xFF01: /* fullwidth ! . : ? */
    case 0xFF0E:
    case 0xFF1A:
    case 0xFF1F:
        return CL_STOP;
    case 0x060C: /* Arabic comma and semicolon */
    case 0x061B:
    case 0x3001: /* ideographic comma */
    case 0xFF0C: /* fullwidth , ; */
    case 0xFF1B:
        return CL_CLAUSE;
    default:
        break;
    }
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LT:
        *upper = true;
        return CL_LETTER;
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
        return CL_LETTER;
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
        return CL_MARK;
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
        return CL_DIGIT;
    default:
        return CL_SEP;
    }
}
