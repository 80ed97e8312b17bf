/* The sex a first name says (tag/gender.h), from two lists of common
 * first names built in at compile time. */
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "tag/gender.h"

static const char *const women[] = {
#include "female-names.inc"
};

static const char *const men[] = {
#include "male-names.inc"
};

/* Whether WORD (LEN bytes) is in the sorted LIST of N. */
static int listed(const char *const *list, size_t n, const char *word,
                  size_t len)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strncmp(list[mid], word, len);
        if (c == 0 && list[mid][len] != '\0')
            c = 1;
        if (c < 0)
            lo = mid + 1;
        else if (c > 0)
            hi = mid;
        else
            return 1;
    }
    return 0;
}

int ps__first_name_gender(const char *word, size_t len)
{
    if (listed(women, PS_COUNT(women), word, len))
        return 1;
    if (listed(men, PS_COUNT(men), word, len))
        return -1;
    return 0;
}
