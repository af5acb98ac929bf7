/* Runs a command and collects what it writes, for the CESQL tests that drive `eventc ce eval`
 * (tck.c and docs_examples.c). POSIX only. Define _POSIX_C_SOURCE before including. */
#ifndef EVENTC_TESTS_CESQL_RUN_PROCESS_H
#define EVENTC_TESTS_CESQL_RUN_PROCESS_H

#include <eventc/buf.h>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

static void run_process_read_all(int fd, eventc_buf *out)
{
    for (;;) {
        char chunk[4096];
        ssize_t n = read(fd, chunk, sizeof(chunk));
        if (n <= 0 || eventc_buf_append(out, chunk, (size_t)n) != EVENTC_OK) {
            break;
        }
    }
    close(fd);
}

/**
 * Runs argv[0] with @p argv, standard input from @p stdin_path (NULL: /dev/null), and appends
 * its standard output and error to @p out and @p err (both initialised by the caller).
 * @return the exit status, or -1 when the command could not run or did not exit.
 */
static int run_process(char *const argv[], const char *stdin_path, eventc_buf *out, eventc_buf *err)
{
    int outfd[2], errfd[2], status = 0;
    pid_t pid;
    if (pipe(outfd) != 0) {
        return -1;
    }
    if (pipe(errfd) != 0) {
        close(outfd[0]);
        close(outfd[1]);
        return -1;
    }
    pid = fork();
    if (pid == 0) {
        int in = open(stdin_path ? stdin_path : "/dev/null", O_RDONLY);
        if (in >= 0) {
            dup2(in, 0);
            close(in);
        }
        dup2(outfd[1], 1);
        dup2(errfd[1], 2);
        close(outfd[0]);
        close(outfd[1]);
        close(errfd[0]);
        close(errfd[1]);
        execv(argv[0], argv);
        _exit(127);
    }
    close(outfd[1]);
    close(errfd[1]);
    /* The outputs here are a few lines each, far below a pipe's capacity: read one, then the
     * other. */
    run_process_read_all(outfd[0], out);
    run_process_read_all(errfd[0], err);
    if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) {
        return -1;
    }
    return WEXITSTATUS(status);
}

#endif
