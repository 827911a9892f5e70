/* The program every contender spawns: no libc, no startup, just
 * exit_group(0). Built with `gcc -nostdlib -static`. A glibc static
 * binary would spend ~0.5 ms in its own startup and hide the differences
 * being measured. */
	.globl _start
	.text
_start:
	mov	$231, %eax	/* exit_group */
	xor	%edi, %edi	/* status 0 */
	syscall
	hlt
	.section .note.GNU-stack,"",@progbits
