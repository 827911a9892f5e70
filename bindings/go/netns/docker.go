package netns

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// GetFromDocker gets a handle to the network namespace of a docker container.
// Id is prefixed matched against the running docker containers, so a short
// identifier can be used as long as it isn't ambiguous.
func GetFromDocker(id string) (NsHandle, error) {
	pid, err := dockerPid(id)
	if err != nil {
		return -1, err
	}
	return GetFromPid(pid)
}

// cgroupMount finds the cgroup hierarchy to search: cgroup2, or the v1
// hierarchy that has the controller.
func cgroupMount(controller string) (int, string, error) {
	mounts, err := os.ReadFile("/proc/mounts")
	if err != nil {
		return -1, "", err
	}
	for _, line := range strings.Split(string(mounts), "\n") {
		f := strings.Split(line, " ")
		if len(f) != 6 {
			continue
		}
		if f[2] == "cgroup2" {
			return 2, f[1], nil
		}
		if f[2] == "cgroup" {
			for _, opt := range strings.Split(f[3], ",") {
				if opt == controller {
					return 1, f[1], nil
				}
			}
		}
	}
	return -1, "", fmt.Errorf("cgroup mountpoint not found for %s", controller)
}

// daemonCgroup is the cgroup of the docker daemon (/var/run/docker.pid).
func daemonCgroup(version int, controller string) (string, error) {
	data, err := os.ReadFile("/var/run/docker.pid")
	if err != nil {
		return "", err
	}
	first := strings.Split(string(data), "\n")[0]
	if first == "" {
		return "", fmt.Errorf("docker pid not found in /var/run/docker.pid")
	}
	pid, err := strconv.Atoi(first)
	if err != nil {
		return "", err
	}
	cg, err := os.ReadFile(fmt.Sprintf("/proc/%d/cgroup", pid))
	if err != nil {
		return "", err
	}
	for _, line := range strings.Split(string(cg), "\n") {
		f := strings.Split(line, ":")
		if len(f) < 3 {
			continue
		}
		if (version == 1 && f[1] == controller) || (version == 2 && f[1] == "") {
			return f[2], nil
		}
	}
	return "", fmt.Errorf("cgroup '%s' not found in /proc/%d/cgroup", controller, pid)
}

// dockerPid is the first pid of the container whose id starts with id.
func dockerPid(id string) (int, error) {
	const controller = "memory"
	version, root, err := cgroupMount(controller)
	if err != nil {
		return 0, err
	}
	daemon, err := daemonCgroup(version, controller)
	if err != nil {
		return 0, err
	}
	var procs string
	switch version {
	case 1:
		procs = "tasks"
	case 2:
		procs = "cgroup.procs"
	default:
		return -1, fmt.Errorf("Invalid cgroup version '%d'", version)
	}
	glob := id + "*"
	scope := "docker-" + glob + ".scope"
	candidates := []string{
		filepath.Join(root, daemon, glob, procs),
		filepath.Join(root, daemon, "lxc", glob, procs),
		filepath.Join(root, daemon, "docker", glob, procs),
		filepath.Join(root, "system.slice", scope, procs),
		filepath.Join(root, "..", "systemd", "docker", glob, procs),
		filepath.Join(root, "..", "systemd", "kubepods", "*", "pod*", glob, procs),
		filepath.Join(root, "..", "systemd", "kubepods", "pod*", glob, procs),
		filepath.Join(root, daemon, "kubepods.slice", "*.slice", "*", scope, procs),
		filepath.Join(root, daemon, "kubepods.slice", "*", scope, procs),
		filepath.Join(root, "kubepods.slice", "*.slice", "*", scope, procs),
		filepath.Join(root, "kubepods.slice", "*", scope, procs),
	}
	file := ""
	for _, c := range candidates {
		found, _ := filepath.Glob(c)
		if len(found) > 1 {
			return 0, fmt.Errorf("Ambiguous id supplied: %v", found)
		}
		if len(found) == 1 {
			file = found[0]
			break
		}
	}
	if file == "" {
		return 0, fmt.Errorf("Unable to find container: %v", id)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return 0, err
	}
	first := strings.Split(string(data), "\n")[0]
	if first == "" {
		return 0, fmt.Errorf("No pid found for container")
	}
	pid, err := strconv.Atoi(first)
	if err != nil {
		return pid, fmt.Errorf("Invalid pid '%s': %s", first, err)
	}
	return pid, nil
}
