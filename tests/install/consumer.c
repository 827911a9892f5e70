/* A program that uses linuxns the way an outside project would: it includes
 * only <linuxns.h> and is built with what pkg-config or CMake give it. It
 * checks the library against the kernel: the id of its own network
 * namespace equals the N of readlink /proc/self/ns/net = "net:[N]". */
#include <linuxns.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
    char link[64] = {0};
    if (readlink("/proc/self/ns/net", link, sizeof link - 1) < 0) {
        perror("readlink");
        return 1;
    }
    int fd = ns_open_pid(0, NS_NET);
    uint64_t id = 0;
    if (fd < 0 || ns_id(fd, &id) < 0) {
        fprintf(stderr, "linuxns: %s\n", ns_last_error());
        return 1;
    }
    close(fd);
    char want[64];
    snprintf(want, sizeof want, "net:[%" PRIu64 "]", id);
    if (strcmp(link, want) != 0) {
        fprintf(stderr, "ns_id says %s, the kernel says %s\n", want, link);
        return 1;
    }
    printf("linuxns %s: %s\n", ns_version(), link);
    return 0;
}
