package linuxns

import "unsafe"

// HandleLayout is the layout of Handle's fields, for the test that
// compares it with struct ns_handle (Handle is passed to the library by
// pointer): size, type, unique_id, inode, reserved.
var HandleLayout = func() (size uintptr, offsets, sizes []uintptr) {
	var h Handle
	return unsafe.Sizeof(h),
		[]uintptr{unsafe.Offsetof(h.size), unsafe.Offsetof(h.typ), unsafe.Offsetof(h.uniqueID),
			unsafe.Offsetof(h.inode), unsafe.Offsetof(h.reserved)},
		[]uintptr{unsafe.Sizeof(h.size), unsafe.Sizeof(h.typ), unsafe.Sizeof(h.uniqueID),
			unsafe.Sizeof(h.inode), unsafe.Sizeof(h.reserved)}
}

// WaitReaped is Wait's wait for a program the kernel reaps itself (poll
// the pidfd, then its status), for the test that runs it on any child.
var WaitReaped = waitReaped
