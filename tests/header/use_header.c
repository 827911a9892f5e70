/* Includes linuxns.h and uses its types and macros, compiled by
 * header_test.sh as C99 and C11 (and, as use_header.cpp, C++17) with
 * -Wall -Wextra -Werror -pedantic. */
#include <linuxns.h>

static int count(const struct ns_info *info, void *arg)
{
    (void)info;
    ++*(int *)arg;
    return 0;
}

int main(void)
{
    struct ns_idmap map = {0, 1000, 1};
    ns_list_cb cb = count;
    int n = 0;
    ns_spawn_attr *attr = ns_spawn_attr_new();
    int all = NS_ALL | NS_FOR_CHILDREN;
    ns_spawn_attr_free(attr);
    (void)map;
    (void)all;
    return ns_list(NS_NET, cb, &n) < 0 || LINUXNS_VERSION_MAJOR < 0;
}
