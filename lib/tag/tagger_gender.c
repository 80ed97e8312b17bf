/* The sex a first name says (tag/gender.h), from two lists of common
 * first names built in at compile time. */
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
