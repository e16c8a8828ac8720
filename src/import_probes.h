/* import_probes: `opsreport import probes SOURCE --data DIR --system SYS …`
 * turns an Uptime Kuma database or Prometheus query_range responses into
 * <probes> record files of DIR (docs/import-probes.md). */
#ifndef OR_IMPORT_PROBES_H
#define OR_IMPORT_PROBES_H

/* argv[1] is "import", argv[2] "probes"; home is the installation's data
 * directory (for the schemas).  Returns a process exit status. */
int import_probes_main(int argc, char **argv, const char *home);

#endif
