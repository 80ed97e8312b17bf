/* The sex a first name says (tag/gender.h), from two lists of common
 * first names built in at compile time. */
#include <string.h>

#include "base/util.h"
#include "tag/gender.h"
#include "tag/tagger_private.h"

static const char *const women[] = {
#include "female-names.inc"
};

static const char *const men[] = {
#include "male-names.inc"
};

int ps__first_name_gender(const char *word)
{
    if (ps__tagger_listed(women, PS_COUNT(women), word))
        return 1;
    if (ps__tagger_listed(men, PS_COUNT(men), word))
        return -1;
    return 0;
}

int ps__written_name_gender(const char *name)
{
    char first[32];
    const char *sp = name ? strchr(name, ' ') : NULL;
    size_t n = sp ? (size_t)(sp - name) : 0;
    if (n < 2 || n >= sizeof first)
        return 0;
    for (size_t i = 0; i < n; i++)
        first[i] =
            (char)(name[i] >= 'A' && name[i] <= 'Z' ? name[i] + 32 : name[i]);
    first[n] = '\0';
    return ps__first_name_gender(first);
}
