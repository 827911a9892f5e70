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
	"NS_MNT":                          int64(linuxns.Mnt),
	"NS_CGROUP":                       int64(linuxns.Cgroup),
	"NS_UTS":                          int64(linuxns.UTS),
	"NS_IPC":                          int64(linuxns.IPC),
	"NS_USER":                         int64(linuxns.User),
	"NS_PID":                          int64(linuxns.PID),
	"NS_NET":                          int64(linuxns.Net),
	"NS_TIME":                         int64(linuxns.Time),
	"NS_ALL":                          int64(linuxns.All),
	"NS_FOR_CHILDREN":                 int64(linuxns.ForChildren),
	"NS_MAP_DENY_SETGROUPS":           int64(linuxns.MapDenySetgroups),
	"NS_MAP_USE_HELPER":               int64(linuxns.MapUseHelper),
	"NS_MAP_MAX_RANGES":               linuxns.MapMaxRanges,
	"NS_PROPAGATION_PRIVATE":          int64(linuxns.PropagationPrivate),
	"NS_PROPAGATION_SLAVE":            int64(linuxns.PropagationSlave),
	"NS_PROPAGATION_SHARED":           int64(linuxns.PropagationShared),
	"NS_PROPAGATION_UNCHANGED":        int64(linuxns.PropagationUnchanged),
	"NS_KCMP_FILE":                    int64(linuxns.KcmpFile),
	"NS_KCMP_VM":                      int64(linuxns.KcmpVM),
	"NS_KCMP_FILES":                   int64(linuxns.KcmpFiles),
	"NS_KCMP_FS":                      int64(linuxns.KcmpFS),
	"NS_KCMP_SIGHAND":                 int64(linuxns.KcmpSighand),
	"NS_KCMP_IO":                      int64(linuxns.KcmpIO),
	"NS_KCMP_SYSVSEM":                 int64(linuxns.KcmpSysvsem),
	"NS_LIST_ALL":                     int64(linuxns.ListAll),
	"NS_POOL_LO_UP":                   int64(linuxns.PoolLoUp),
	"NS_CAPS_BOUNDING":                int64(linuxns.CapsBounding),
	"NS_CAPS_PERMITTED":               int64(linuxns.CapsPermitted),
	"NS_CAPS_EFFECTIVE":               int64(linuxns.CapsEffective),
	"NS_CAPS_INHERITABLE":             int64(linuxns.CapsInheritable),
	"NS_CAPS_AMBIENT":                 int64(linuxns.CapsAmbient),
	"NS_FEATURE_CLONE3":               int64(linuxns.FeatureClone3),
	"NS_FEATURE_CLONE_INTO_CGROUP":    int64(linuxns.FeatureCloneIntoCgroup),
	"NS_FEATURE_SETNS_PIDFD":          int64(linuxns.FeatureSetnsPidfd),
	"NS_FEATURE_PIDFD_GET_NAMESPACE":  int64(linuxns.FeaturePidfdGetNamespace),
	"NS_FEATURE_NS_GET_ID":            int64(linuxns.FeatureNsGetID),
	"NS_FEATURE_NSFS_HANDLES":         int64(linuxns.FeatureNsfsHandles),
	"NS_FEATURE_LISTNS":               int64(linuxns.FeatureListns),
	"NS_FEATURE_MNTNS_IOCTLS":         int64(linuxns.FeatureMntnsIoctls),
	"NS_FEATURE_LISTMOUNT":            int64(linuxns.FeatureListmount),
	"NS_FEATURE_LISTMOUNT_NS_FD":      int64(linuxns.FeatureListmountNsFd),
	"NS_FEATURE_PIDFD_INFO_EXIT":      int64(linuxns.FeaturePidfdInfoExit),
	"NS_FEATURE_IDMAPPED_MOUNTS":      int64(linuxns.FeatureIdmappedMounts),
	"NS_FEATURE_PID_TRANSLATE":        int64(linuxns.FeaturePidTranslate),
	"NS_FEATURE_CLONE_NNP":            int64(linuxns.FeatureCloneNNP),
	"NS_FEATURE_CLONE_PIDFD_AUTOKILL": int64(linuxns.FeatureClonePidfdAutokill),
	"NS_FEATURE_CLONE_AUTOREAP":       int64(linuxns.FeatureCloneAutoreap),
	"NS_FEATURE_CLONE_EMPTY_MNTNS":    int64(linuxns.FeatureCloneEmptyMntns),
	"NS_HANDLE_TEXT_MAX":              linuxns.HandleTextMax,
	"LINUXNS_VERSION_MAJOR":           linuxns.VersionMajor,
	"LINUXNS_VERSION_MINOR":           linuxns.VersionMinor,
	"LINUXNS_VERSION_PATCH":           linuxns.VersionPatch,
	"CLOCK_MONOTONIC":                 int64(linuxns.ClockMonotonic),
	"CLOCK_BOOTTIME":                  int64(linuxns.ClockBoottime),
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

// header is the text of the linuxns.h the package is built with.
func header(t *testing.T) (string, string) {
	t.Helper()
	dir := "../../include"
	if out, err := exec.Command("pkg-config", "--variable=includedir", "linuxns").Output(); err == nil {
		dir = strings.TrimSpace(string(out))
	}
	src, err := os.ReadFile(filepath.Join(dir, "linuxns.h"))
	if err != nil {
		t.Skip(err)
	}
	return string(src), dir
}

// Every numeric #define of the header has a Go constant (and so is
// compared above): a constant added to linuxns.h fails this test.
func TestHeaderFullyCovered(t *testing.T) {
	src, dir := header(t)
	re := regexp.MustCompile(`(?m)^#define ((?:NS|LINUXNS)_[A-Z0-9_]+) `)
	n := 0
	for _, m := range re.FindAllStringSubmatch(src, -1) {
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
	// The numeric #defines of linuxns.h 0.2 (with NS_POOL_LO_UP): every one above is checked
	// by name; the count guards against a header the pattern misreads.
	if n < 52 {
		t.Errorf("only %d #defines found in %s", n, dir)
	}
}

// Every function the header declares is called by the package (cgo
// checks each call against its prototype when the package builds): a
// function added to linuxns.h fails this test until it is bound.
func TestHeaderFunctionsCovered(t *testing.T) {
	src, dir := header(t)
	// The package's sources: C.ns_x(...) in Go, ns_x(...) in callbacks.c.
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	files = append(files, "callbacks.c")
	var code strings.Builder
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		code.Write(data)
	}
	called := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?:C\.|[^\w.])(ns_[a-z0-9_]+)\(`).FindAllStringSubmatch(code.String(), -1) {
		called[m[1]] = true
	}
	// Prototypes: a line that starts with a return type and declares
	// ns_x(...); (the typedefs of callbacks are "typedef int (*ns_x_cb)").
	proto := regexp.MustCompile(`(?m)^(?:const )?(?:struct )?[a-z_0-9]+ \*?(ns_[a-z0-9_]+)\(.*\);$`)
	n := 0
	for _, m := range proto.FindAllStringSubmatch(src, -1) {
		n++
		if !called[m[1]] {
			t.Errorf("linuxns.h declares %s: not called by the Go package", m[1])
		}
	}
	// The functions of linuxns.h 0.2 (LINUXNS_0.1 and LINUXNS_0.2, with
	// ns_spawn_attr_set_no_new_privs, _autoreap and _autokill, and the
	// pools: ns_pool_new, _free, _take, ns_spawn_attr_use_pool).
	if n < 79 {
		t.Errorf("only %d functions found in %s/linuxns.h", n, dir)
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
	// Handle is passed to the library as a struct ns_handle.
	size, offsets, sizes := linuxns.HandleLayout()
	got = cheader.Layout{Size: size, Offsets: offsets, Sizes: sizes}
	if !sameLayout(got, cheader.Handle) || size != linuxns.HandleSize {
		t.Errorf("Handle %+v, struct ns_handle %+v", got, cheader.Handle)
	}
	// Cmd.Seccomp is passed as a struct sock_filter array.
	var f syscall.SockFilter
	got = cheader.Layout{Size: unsafe.Sizeof(f),
		Offsets: []uintptr{unsafe.Offsetof(f.Code), unsafe.Offsetof(f.Jt), unsafe.Offsetof(f.Jf), unsafe.Offsetof(f.K)},
		Sizes:   []uintptr{unsafe.Sizeof(f.Code), unsafe.Sizeof(f.Jt), unsafe.Sizeof(f.Jf), unsafe.Sizeof(f.K)}}
	if !sameLayout(got, cheader.SockFilter) {
		t.Errorf("syscall.SockFilter %+v, struct sock_filter %+v", got, cheader.SockFilter)
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
