/*
 * check_pidinfo.h - helpers shared by test_pidinfo.c and test_features.c:
 * a direct probe of PIDFD_INFO_EXIT, and dropping a root case to nobody.
 */
#ifndef LINUXNS_CHECK_PIDINFO_H
#define LINUXNS_CHECK_PIDINFO_H

#include "check_runtime.h"
#include <linux/types.h>
#include <sys/ioctl.h>

/* Drops a root case to uid/gid 65534 (for the unprivileged variants). */
static inline void become_nobody(void)
{
    SYS_OK(setgroups(0, NULL));
    SYS_OK(setresgid(65534, 65534, 65534));
    SYS_OK(setresuid(65534, 65534, 65534));
    SYS_OK(prctl(PR_SET_DUMPABLE, 1, 0, 0, 0));
}

/* Does this kernel keep the status of a reaped process (PIDFD_INFO_EXIT)?
 * Asked directly: a child exits, is reaped, its pidfd is asked. */
struct pidfd_info_ {
    __u64 mask, cgroupid;
    __u32 ids[11];
    __s32 exit_code;
};
#define PIDFD_GET_INFO_ _IOWR(0xFF, 11, struct pidfd_info_)
#define PIDFD_INFO_EXIT_ (1ULL << 3)

static inline bool kernel_keeps_exit_status(void)
{
    pid_t p = SYS_OK(fork());
    if (p == 0)
        _exit(0);
    int fd = SYS_OK(pidfd_open_(p));
    int st;
    wait_child(p, &st);
    struct pidfd_info_ info = {.mask = PIDFD_INFO_EXIT_};
    bool keeps = ioctl(fd, PIDFD_GET_INFO_, &info) == 0 && (info.mask & PIDFD_INFO_EXIT_);
    close(fd);
    return keeps;
}

#endif /* LINUXNS_CHECK_PIDINFO_H */
