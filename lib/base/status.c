/* Names and messages for ps_status_t, generated from PS_STATUS_MAP. */
#include "psearch/common.h"

const char *ps_status_str(ps_status_t st)
{
    switch (st) {
#define PS_STATUS_CASE(name, msg)                                              \
    case PS_##name:                                                            \
        return msg;
        PS_STATUS_MAP(PS_STATUS_CASE)
#undef PS_STATUS_CASE
    default:
        return "unknown status";
    }
}

const char *ps_status_name(ps_status_t st)
{
    switch (st) {
#define PS_STATUS_CASE(name, msg)                                              \
    case PS_##name:                                                            \
        return #name;
        PS_STATUS_MAP(PS_STATUS_CASE)
#undef PS_STATUS_CASE
    default:
        return "EUNKNOWN";
    }
}
