/* Internal to the programs: the limit of open files. */
#ifndef PSEARCH_NOFILE_H
#define PSEARCH_NOFILE_H

/* Raises the process's soft limit of open files to its hard limit (at
 * most 65536). A rebuild of many shards holds each shard's database, its
 * segments, the compaction's reading of them and a view of them open at
 * once, and a daemon's worker threads each hold every shard open (a glass
 * database is three or four files); the soft limit of 1024 most systems
 * give a session is reached at 64 shards. Failing leaves the limit as it
 * was: what runs out later says so. */
void ps__raise_open_files(void);

#endif
