/* init: `opsreport init DIR [options]`: a new data set for a new contract:
 * DIR/contract.xml filled from the options and checked by the records
 * loader `check` uses, and DIR/README.md saying which record file holds
 * what and how to import sheets.  Never overwrites a file: when either
 * exists nothing is written (exit 1).  Missing required options: exit 2. */
#ifndef OR_INIT_H
#define OR_INIT_H

int init_main(int argc, char **argv, const char *home);

#endif
