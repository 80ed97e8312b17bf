/* psearchd's log: one timestamped line per event on stderr. */
#ifndef PSEARCHD_LOG_H
#define PSEARCHD_LOG_H

/* Whether -v was given: then every request is logged, not only errors. */
extern int sd_log_verbose;

/* Writes "YYYY-MM-DD HH:MM:SS.mmm psearchd[PID]: MESSAGE\n" with a single
 * write, so that lines never interleave. */
void sd_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
