/* Internal to the C++ shim over Xapian: turning whatever exception is in
 * flight into a status code and a message, so that none ever crosses into
 * C. Every exported shim function wraps its body in
 *     try { ... } catch (...) { return ps__fail(msg, "what it was doing"); }
 */
#ifndef PSEARCH_SHIM_H
#define PSEARCH_SHIM_H

#ifndef __cplusplus
#error "shim.h is for the C++ shim only"
#endif

#include <string>

#include "psearch/common.h"

/* Must be called from inside a catch block. Re-throws the current
 * exception, classifies it by type, stores "CONTEXT: message" in MSG and
 * returns the status. Never throws. */
ps_status_t ps__fail(std::string &msg, const char *context) noexcept;

/* A malloc'ed copy of S for handing to C; NULL when out of memory. */
char *ps__strdup(const std::string &s) noexcept;

#endif
