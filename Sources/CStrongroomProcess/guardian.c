#define _GNU_SOURCE
#include "strongroom_process.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

// The guardian is forked from a multithreaded process: it uses system calls only (no malloc, no
// stdio, no opendir), so no lock another thread held at fork time can stop it.

struct linux_dirent64 {
    ino64_t d_ino;
    off64_t d_off;
    unsigned short d_reclen;
    unsigned char d_type;
    char d_name[];
};

static void zero_file(int dirfd, const char *name) {
    int fd = openat(dirfd, name, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return;
    struct stat info;
    if (fstat(fd, &info) == 0 && S_ISREG(info.st_mode)) {
        static const char zeros[4096];
        off_t left = info.st_size;
        while (left > 0) {
            ssize_t n = write(fd, zeros, left < (off_t)sizeof(zeros) ? (size_t)left : sizeof(zeros));
            if (n <= 0) break;
            left -= n;
        }
    }
    close(fd);
}

static void wipe_directory(int dirfd, int depth) {
    char buffer[4096];
    for (int pass = 0; pass < 64; pass++) {
        int removed = 0;
        lseek(dirfd, 0, SEEK_SET);
        for (;;) {
            long n = syscall(SYS_getdents64, dirfd, buffer, sizeof(buffer));
            if (n <= 0) break;
            for (long offset = 0; offset < n;) {
                struct linux_dirent64 *entry = (struct linux_dirent64 *)(buffer + offset);
                offset += entry->d_reclen;
                const char *name = entry->d_name;
                if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0) continue;
                if (entry->d_type == DT_DIR) {
                    if (depth < 32) {
                        int child = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                        if (child >= 0) {
                            wipe_directory(child, depth + 1);
                            close(child);
                        }
                    }
                    if (unlinkat(dirfd, name, AT_REMOVEDIR) == 0) removed++;
                } else {
                    if (entry->d_type == DT_REG) zero_file(dirfd, name);
                    if (unlinkat(dirfd, name, 0) == 0) removed++;
                }
            }
        }
        if (removed == 0) return;
    }
}

int strongroom_start_guardian(void) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) return -errno;
    pid_t pid = fork();
    if (pid < 0) {
        int saved = errno;
        close(fds[0]);
        close(fds[1]);
        return -saved;
    }
    if (pid > 0) {
        close(fds[0]);
        return fds[1];
    }
    // Guardian: its own session (no terminal's SIGINT/SIGHUP), deaf to polite signals.
    setsid();
    signal(SIGINT, SIG_IGN);
    signal(SIGTERM, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    signal(SIGPIPE, SIG_IGN);
    sigset_t empty;
    sigemptyset(&empty);
    sigprocmask(SIG_SETMASK, &empty, NULL);
    close(fds[1]);
    // Drop every other inherited descriptor (sockets, files of the parent).
    for (int fd = 0; fd < 4096; fd++) {
        if (fd != fds[0]) close(fd);
    }
    static char path[PATH_MAX];
    size_t length = 0;
    int complete = 0;
    char c;
    while (!complete) {
        ssize_t n = read(fds[0], &c, 1);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) _exit(0);  // the parent ended before naming a directory
        if (c == '\n') complete = 1;
        else if (length + 1 < sizeof(path)) path[length++] = c;
        else _exit(1);
    }
    path[length] = 0;
    char sink[64];
    for (;;) {
        ssize_t n = read(fds[0], sink, sizeof(sink));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
    }
    if (path[0] == '/') {
        int dirfd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (dirfd >= 0) {
            wipe_directory(dirfd, 0);
            close(dirfd);
            rmdir(path);
        }
    }
    _exit(0);
}
