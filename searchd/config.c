/* The settings table of psearchd: defaults, bounds, and parsing of option
 * values with their units, all from SD_SETTINGS. */
#include "config.h"
#include "psearch/common.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct setting {
    const char *option;
    sd_unit_t unit;
    uint64_t def, min, max;
    int is_limit;
} setting_t;

static const setting_t settings[SD_SETTING__COUNT] = {
#define SD_SETTING_ROW(id, opt, unit, def, min, max, lim, help)                \
    {opt, unit, def, min, max, lim},
    SD_SETTINGS(SD_SETTING_ROW)
#undef SD_SETTING_ROW
};

void sd_config_defaults(sd_config_t *cfg)
{
    for (int i = 0; i < SD_SETTING__COUNT; i++)
        cfg->v[i] = settings[i].def;
}

const char *sd_config_name(sd_setting_t s)
{
    return settings[s].option;
}

int sd_config_is_limit(sd_setting_t s)
{
    return settings[s].is_limit;
}

/* A whole number with an optional binary suffix. */
static int parse_bytes(const char *s, uint64_t *out)
{
    unsigned long long v;
    if (ps_parse_size(s, &v) != PS_OK)
        return -1;
    *out = v;
    return 0;
}

/* Seconds, possibly fractional, or milliseconds with an "ms" suffix. */
static int parse_ms(const char *s, uint64_t *out)
{
    char *end;
    if (!*s || *s == '-' || *s == '+')
        return -1;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || !isfinite(v) || v < 0)
        return -1;
    double scale = 1000;
    if (strcmp(end, "ms") == 0)
        scale = 1;
    else if (strcmp(end, "s") != 0 && *end)
        return -1;
    v *= scale;
    if (v > 1e15)
        return -1;
    *out = (uint64_t)llround(v);
    return 0;
}

int sd_config_set(sd_config_t *cfg, sd_setting_t s, const char *arg, char *err,
                  size_t errlen)
{
    const setting_t *st = &settings[s];
    uint64_t v;
    int rc;
    switch (st->unit) {
    case SD_UNIT_BYTES:
        rc = parse_bytes(arg, &v);
        break;
    case SD_UNIT_MS:
        rc = parse_ms(arg, &v);
        break;
    default:
        rc = parse_bytes(arg, &v) || strpbrk(arg, "kKmMgG") ? -1 : 0;
    }
    if (rc) {
        snprintf(err, errlen, "--%s: '%s' is not a valid %s", st->option, arg,
                 st->unit == SD_UNIT_BYTES ? "size (bytes, or with K, M, G)"
                 : st->unit == SD_UNIT_MS  ? "duration (seconds, or N ms)"
                                           : "number");
        return -1;
    }
    if (v < st->min || v > st->max) {
        char lo[32], hi[32];
        sd_config_format(s, st->min, lo, sizeof lo);
        sd_config_format(s, st->max, hi, sizeof hi);
        snprintf(err, errlen, "--%s: '%s' is out of range [%s, %s]", st->option,
                 arg, lo, hi);
        return -1;
    }
    cfg->v[s] = v;
    return 0;
}

void sd_config_format(sd_setting_t s, uint64_t v, char *buf, size_t len)
{
    switch (settings[s].unit) {
    case SD_UNIT_BYTES:
        if (v && v % (1u << 30) == 0)
            snprintf(buf, len, "%lluG", (unsigned long long)(v >> 30));
        else if (v && v % (1u << 20) == 0)
            snprintf(buf, len, "%lluM", (unsigned long long)(v >> 20));
        else if (v && v % (1u << 10) == 0)
            snprintf(buf, len, "%lluK", (unsigned long long)(v >> 10));
        else
            snprintf(buf, len, "%llu", (unsigned long long)v);
        break;
    case SD_UNIT_MS:
        if (v % 1000 == 0)
            snprintf(buf, len, "%llus", (unsigned long long)(v / 1000));
        else
            snprintf(buf, len, "%llums", (unsigned long long)v);
        break;
    default:
        snprintf(buf, len, "%llu", (unsigned long long)v);
    }
}

void sd_config_range(sd_setting_t s, char *buf, size_t len)
{
    const setting_t *st = &settings[s];
    char def[32], lo[32], hi[32];
    sd_config_format(s, st->def, def, sizeof def);
    sd_config_format(s, st->min, lo, sizeof lo);
    sd_config_format(s, st->max, hi, sizeof hi);
    snprintf(buf, len, "(default %s, %s..%s)", def, lo, hi);
}
