/* The single place where Xapian and C++ exceptions become ps_status_t
 * values, in the manner of notmuch's exception handling, but also catching
 * std::bad_alloc, std::exception and anything else. */
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <new>
#include <stdexcept>

#include <xapian.h>

#include "store/shim.h"

static ps_status_t set(std::string &msg, const char *context,
                       const std::string &what, ps_status_t st) noexcept
{
    try {
        msg = std::string(context) + ": " + what;
    } catch (...) {
        /* Building the message itself failed; keep what we had. */
    }
    return st;
}

ps_status_t ps__fail(std::string &msg, const char *context) noexcept
{
    try {
        throw;
    } catch (const Xapian::DatabaseLockError &e) {
        return set(msg, context, e.get_description(), PS_ELOCKED);
    } catch (const Xapian::DatabaseModifiedError &e) {
        return set(msg, context, e.get_description(), PS_EMODIFIED);
    } catch (const Xapian::DatabaseCorruptError &e) {
        return set(msg, context, e.get_description(), PS_ECORRUPT);
    } catch (const Xapian::DatabaseVersionError &e) {
        return set(msg, context, e.get_description(), PS_EVERSION);
    } catch (const Xapian::DatabaseNotFoundError &e) {
        return set(msg, context, e.get_description(), PS_ENOINDEX);
    } catch (const Xapian::DatabaseOpeningError &e) {
        /* A table that cannot be opened for another reason than its
         * absence ("Too many open files", "Permission denied") is an
         * index that is there: saying there is none would send the user
         * to build one. */
        const char *why = e.get_error_string();
        return set(msg, context, e.get_description(),
                   why && *why && std::strcmp(why, std::strerror(ENOENT)) != 0
                       ? PS_EIO
                       : PS_ENOINDEX);
    } catch (const Xapian::DatabaseError &e) {
        return set(msg, context, e.get_description(), PS_EIO);
    } catch (const Xapian::QueryParserError &e) {
        return set(msg, context, e.get_description(), PS_EBADQUERY);
    } catch (const Xapian::InvalidArgumentError &e) {
        return set(msg, context, e.get_description(), PS_EINVAL);
    } catch (const Xapian::DocNotFoundError &e) {
        return set(msg, context, e.get_description(), PS_ENOTFOUND);
    } catch (const Xapian::NetworkError &e) {
        return set(msg, context, e.get_description(), PS_EREMOTE);
    } catch (const Xapian::Error &e) {
        return set(msg, context, e.get_description(), PS_EINTERNAL);
    } catch (const std::bad_alloc &) {
        return set(msg, context, "out of memory", PS_ENOMEM);
    } catch (const std::exception &e) {
        return set(msg, context, e.what(), PS_EINTERNAL);
    } catch (...) {
        return set(msg, context, "unknown exception", PS_EINTERNAL);
    }
}

char *ps__strdup(const std::string &s) noexcept
{
    char *p = static_cast<char *>(std::malloc(s.size() + 1));
    if (p)
        std::memcpy(p, s.c_str(), s.size() + 1);
    return p;
}
