package linuxns_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"unsafe"

	"linuxns.dev/go/linuxns"
	"linuxns.dev/go/linuxns/internal/cheader"
)

// goConsts are the Go names of the header's constants.
var goConsts = map[string]int64{
	"NS_MNT":                   int64(linuxns.Mnt),
	"NS_CGROUP":                int64(linuxns.Cgroup),
	"NS_UTS":                   int64(linuxns.UTS),
	"NS_IPC":                   int64(linuxns.IPC),
	"NS_USER":                  int64(linuxns.User),
	"NS_PID":                   int64(linuxns.PID),
	"NS_NET":                   int64(linuxns.Net),
	"NS_TIME":                  int64(linuxns.Time),
	"NS_ALL":                   int64(linuxns.All),
	"NS_FOR_CHILDREN":          int64(linuxns.ForChildren),
	"NS_MAP_DENY_SETGROUPS":    int64(linuxns.MapDenySetgroups),
	"NS_MAP_USE_HELPER":        int64(linuxns.MapUseHelper),
	"NS_MAP_MAX_RANGES":        linuxns.MapMaxRanges,
	"NS_PROPAGATION_PRIVATE":   int64(linuxns.PropagationPrivate),
	"NS_PROPAGATION_SLAVE":     int64(linuxns.PropagationSlave),
	"NS_PROPAGATION_SHARED":    int64(linuxns.PropagationShared),
	"NS_PROPAGATION_UNCHANGED": int64(linuxns.PropagationUnchanged),
	"NS_KCMP_FILE":             int64(linuxns.KcmpFile),
	"NS_KCMP_VM":               int64(linuxns.KcmpVM),
	"NS_KCMP_FILES":            int64(linuxns.KcmpFiles),
	"NS_KCMP_FS":               int64(linuxns.KcmpFS),
	"NS_KCMP_SIGHAND":          int64(linuxns.KcmpSighand),
	"NS_KCMP_IO":               int64(linuxns.KcmpIO),
	"NS_KCMP_SYSVSEM":          int64(linuxns.KcmpSysvsem),
	"LINUXNS_VERSION_MAJOR":    linuxns.VersionMajor,
	"LINUXNS_VERSION_MINOR":    linuxns.VersionMinor,
	"LINUXNS_VERSION_PATCH":    linuxns.VersionPatch,
	"CLOCK_MONOTONIC":          int64(linuxns.ClockMonotonic),
	"CLOCK_BOOTTIME":           int64(linuxns.ClockBoottime),
}

func TestConstantsMatchHeader(t *testing.T) {
	for name, c := range cheader.Consts {
		g, ok := goConsts[name]
		if !ok {
			t.Errorf("%s: no Go constant", name)
		} else if g != c {
			t.Errorf("%s: Go %#x, linuxns.h %#x", name, g, c)
		}
	}
	if linuxns.VersionString != cheader.VersionString {
		t.Errorf("VersionString %q, header %q", linuxns.VersionString, cheader.VersionString)
	}
	// The types are the kernel's CLONE_NEW* bits.
	for g, k := range map[linuxns.Type]int{linuxns.Mnt: syscall.CLONE_NEWNS, linuxns.Cgroup: 0x02000000,
		linuxns.UTS: syscall.CLONE_NEWUTS, linuxns.IPC: syscall.CLONE_NEWIPC, linuxns.User: syscall.CLONE_NEWUSER,
		linuxns.PID: syscall.CLONE_NEWPID, linuxns.Net: syscall.CLONE_NEWNET} {
		if int(g) != k {
			t.Errorf("%v: %#x, CLONE_NEW* %#x", g, int(g), k)
		}
	}
}

// Every numeric #define of the header has a Go constant (and so is
// compared above): a constant added to linuxns.h fails this test.
func TestHeaderFullyCovered(t *testing.T) {
	dir := "../../include"
	if out, err := exec.Command("pkg-config", "--variable=includedir", "linuxns").Output(); err == nil {
		dir = strings.TrimSpace(string(out))
	}
	src, err := os.ReadFile(filepath.Join(dir, "linuxns.h"))
	if err != nil {
		t.Skip(err)
	}
	re := regexp.MustCompile(`(?m)^#define ((?:NS|LINUXNS)_[A-Z0-9_]+) `)
	n := 0
	for _, m := range re.FindAllStringSubmatch(string(src), -1) {
		if m[1] == "LINUXNS_VERSION_STRING" {
			continue
		}
		n++
		if _, ok := goConsts[m[1]]; !ok {
			t.Errorf("linuxns.h defines %s: no Go constant", m[1])
		}
		if _, ok := cheader.Consts[m[1]]; !ok {
			t.Errorf("linuxns.h defines %s: not read by internal/cheader", m[1])
		}
	}
	if n < 25 {
		t.Errorf("only %d #defines found in %s", n, dir)
	}
}

func TestStructLayouts(t *testing.T) {
	// IDMap is passed to the library as a struct ns_idmap array.
	var m linuxns.IDMap
	got := cheader.Layout{Size: unsafe.Sizeof(m),
		Offsets: []uintptr{unsafe.Offsetof(m.Inside), unsafe.Offsetof(m.Outside), unsafe.Offsetof(m.Count)},
		Sizes:   []uintptr{unsafe.Sizeof(m.Inside), unsafe.Sizeof(m.Outside), unsafe.Sizeof(m.Count)}}
	if !sameLayout(got, cheader.IDMap) {
		t.Errorf("IDMap %+v, struct ns_idmap %+v", got, cheader.IDMap)
	}
	// Info is copied field by field from struct ns_info: its C layout is
	// the one the header documents.
	type nsInfo struct {
		id, usernsID, parentID uint64
		typ                    int32
		nprocs                 uint32
		pid                    int32
		ownerUID               uint32
	}
	var i nsInfo
	want := cheader.Layout{Size: unsafe.Sizeof(i),
		Offsets: []uintptr{unsafe.Offsetof(i.id), unsafe.Offsetof(i.usernsID), unsafe.Offsetof(i.parentID),
			unsafe.Offsetof(i.typ), unsafe.Offsetof(i.nprocs), unsafe.Offsetof(i.pid), unsafe.Offsetof(i.ownerUID)},
		Sizes: []uintptr{8, 8, 8, 4, 4, 4, 4}}
	if !sameLayout(want, cheader.Info) {
		t.Errorf("struct ns_info %+v, expected %+v", cheader.Info, want)
	}
}

func sameLayout(a, b cheader.Layout) bool {
	if a.Size != b.Size || len(a.Offsets) != len(b.Offsets) || len(a.Sizes) != len(b.Sizes) {
		return false
	}
	for i := range a.Offsets {
		if a.Offsets[i] != b.Offsets[i] || a.Sizes[i] != b.Sizes[i] {
			return false
		}
	}
	return true
}
