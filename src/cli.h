/* cli: the command line.  Each subcommand returns a process exit status:
 * 0 success, 1 bad input, 2 usage, 3 system error. */
#ifndef OR_CLI_H
#define OR_CLI_H

int cli_main(int argc, char **argv);

#endif
