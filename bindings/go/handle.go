package linuxns

/*
#include <stdint.h>
#include <stdlib.h>
#include <linuxns.h>
*/
import "C"

import (
	"fmt"
	"syscall"
	"unsafe"
)

// HandleTextMax (NS_HANDLE_TEXT_MAX) is the room the text form of any
// Handle needs in C, with its NUL: "cgroup:4294967295:18446744073709551615"
// is 38 characters.
const HandleTextMax = 40

// HandleSize is the size of a Handle in bytes, sizeof(struct ns_handle):
// MarshalBinary gives, and UnmarshalBinary takes, exactly this many.
const HandleSize = 64

// Handle is a namespace file handle (struct ns_handle, kernel 6.18): a
// token that names one namespace by its type, inode number and 64-bit id
// (never reused), and reopens it with OpenHandle while it lives, in this
// or another process, without a bind mount. It keeps nothing alive.
//
// A Handle is a comparable value: the same namespace always gives the
// same Handle, different namespaces different ones, so == compares two.
// Its text form ("uts:4026532315:4121": String, MarshalText, ParseHandle)
// and its bytes (MarshalBinary, in the host's byte order) can be stored
// in a file or sent to another process. The zero Handle names nothing.
type Handle struct {
	// The layout of struct ns_handle, which the library reads and writes.
	size     uint32
	typ      int32
	uniqueID uint64
	inode    uint32
	reserved [11]uint32
}

func (h *Handle) c() *C.struct_ns_handle { return (*C.struct_ns_handle)(unsafe.Pointer(h)) }

// Type is the namespace's type.
func (h Handle) Type() Type { return Type(h.typ) }

// Inode is the namespace's inode number, as Namespace.ID gives it.
func (h Handle) Inode() uint64 { return uint64(h.inode) }

// UniqueID is the kernel's 64-bit namespace id, as Namespace.UniqueID
// gives it.
func (h Handle) UniqueID() uint64 { return h.uniqueID }

// Handle makes a file handle of the namespace (ns_handle_encode): a token
// that reopens it later with OpenHandle. Kernels before 6.18 give
// EOPNOTSUPP: keep the namespace with Bind and reopen the path instead.
func (ns *Namespace) Handle() (Handle, error) {
	var h Handle
	_, err := ns.fdCall("ns_handle_encode", func(fd C.int) C.int { return C.ns_handle_encode(fd, h.c()) })
	if err != nil {
		return Handle{}, err
	}
	return h, nil
}

// OpenHandle opens the namespace h names (ns_open_handle); the
// descriptor is close-on-exec, as every one of this package's. The
// kernel opens it for a caller in the namespace or with CAP_SYS_ADMIN
// over its owner; ESTALE when it is gone (or, where the library cannot
// tell, may not be opened: the Error's text says which), EPERM when it
// lives but is refused, EOPNOTSUPP before 6.18.
func OpenHandle(h Handle) (*Namespace, error) {
	fd, err := call("ns_open_handle", func() C.int { return C.ns_open_handle(h.c(), 0) })
	if err != nil {
		return nil, err
	}
	return newNamespace(fd), nil
}

// MarshalText gives the text form "TYPE:INODE:ID" (ns_handle_format),
// e.g. "uts:4026532315:4121"; EINVAL for a Handle that is not valid
// (the zero Handle).
func (h Handle) MarshalText() ([]byte, error) {
	var buf [HandleTextMax]C.char
	n, err := call("ns_handle_format", func() C.int { return C.ns_handle_format(h.c(), &buf[0], C.size_t(len(buf))) })
	if err != nil {
		return nil, err
	}
	return C.GoBytes(unsafe.Pointer(&buf[0]), C.int(n)), nil
}

// String gives the text form "TYPE:INODE:ID", or a description of the
// fields of a Handle that is not valid.
func (h Handle) String() string {
	text, err := h.MarshalText()
	if err != nil {
		return fmt.Sprintf("ns_handle(invalid: size %d, type %#x, inode %d, id %d)", h.size, h.typ, h.inode, h.uniqueID)
	}
	return string(text)
}

// ParseHandle turns the text form back into the Handle (ns_handle_parse).
// It accepts exactly what String gives: no spaces, no newline, no signs,
// no leading zeros (EINVAL otherwise). It needs no kernel support.
func ParseHandle(text string) (Handle, error) {
	var h Handle
	ctext, free := cstring(text)
	defer free()
	if _, err := call("ns_handle_parse", func() C.int { return C.ns_handle_parse(ctext, h.c()) }); err != nil {
		return Handle{}, err
	}
	return h, nil
}

// UnmarshalText sets h from its text form, as ParseHandle.
func (h *Handle) UnmarshalText(text []byte) error {
	p, err := ParseHandle(string(text))
	if err != nil {
		return err
	}
	*h = p
	return nil
}

// MarshalBinary gives the HandleSize bytes of struct ns_handle, in the
// host's byte order, as C programs store and send them.
func (h Handle) MarshalBinary() ([]byte, error) {
	b := *(*[HandleSize]byte)(unsafe.Pointer(&h))
	return b[:], nil
}

// UnmarshalBinary sets h from the HandleSize bytes of a struct ns_handle
// (EINVAL for another length). The contents are checked when the handle
// is used (OpenHandle, String).
func (h *Handle) UnmarshalBinary(data []byte) error {
	if len(data) != HandleSize {
		return &Error{Op: "ns_handle", Errno: syscall.EINVAL,
			Detail: fmt.Sprintf("ns_handle: %d bytes, not %d", len(data), HandleSize)}
	}
	copy((*[HandleSize]byte)(unsafe.Pointer(h))[:], data)
	return nil
}
