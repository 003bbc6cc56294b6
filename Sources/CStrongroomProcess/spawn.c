#define _GNU_SOURCE
#include "strongroom_process.h"

#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <unistd.h>

// Between fork and exec only async-signal-safe calls: the parent is multithreaded.
pid_t strongroom_spawn(const char *path, char *const argv[], char *const envp[], const char *cwd, int stderr_fd) {
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) return -errno;
    if (pid > 0) return pid;

    sigset_t empty;
    sigemptyset(&empty);
    sigprocmask(SIG_SETMASK, &empty, NULL);
    int defaults[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGQUIT};
    for (size_t i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++) signal(defaults[i], SIG_DFL);
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) _exit(127);
    // The parent may have died before prctl took effect.
    if (getppid() != parent) _exit(127);
    if (stderr_fd >= 0 && dup2(stderr_fd, 2) < 0) _exit(127);
    if (cwd != NULL && chdir(cwd) != 0) _exit(127);
    execve(path, argv, envp);
    _exit(127);
}

int strongroom_set_nondumpable(void) {
    return prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == 0 ? 0 : -errno;
}
