// C side of the Go callbacks: the library calls these C functions, which
// call the exported Go functions with the runtime/cgo.Handle that travels
// in the void * argument.
#include <stdint.h>
#include <unistd.h>
#include <linuxns.h>
#include "_cgo_export.h"

int linuxns_go_run_in_trampoline(void *arg)
{
	return linuxnsGoRunIn((uintptr_t)arg);
}

int linuxns_go_list_trampoline(const struct ns_info *info, void *arg)
{
	return linuxnsGoList((struct ns_info *)info, (uintptr_t)arg);
}

int linuxns_go_run_in(int fd, int types, uintptr_t handle)
{
	return ns_run_in(fd, types, linuxns_go_run_in_trampoline, (void *)handle, NULL);
}

int linuxns_go_list(int types, uintptr_t handle)
{
	return ns_list(types, linuxns_go_list_trampoline, (void *)handle);
}

int linuxns_go_list_ex(int types, unsigned int flags, uintptr_t handle)
{
	return ns_list_ex(types, flags, linuxns_go_list_trampoline, (void *)handle);
}

int linuxns_go_mount_trampoline(const struct ns_mount_info *info, void *arg)
{
	return linuxnsGoMount((struct ns_mount_info *)info, (uintptr_t)arg);
}

int linuxns_go_mount_list(int fd, uintptr_t handle)
{
	return ns_mount_list(fd, linuxns_go_mount_trampoline, (void *)handle);
}

/* getpid as an int fn(void *): CGetpid. */
int linuxns_go_getpid(void *arg)
{
	(void)arg;
	return (int)getpid();
}
