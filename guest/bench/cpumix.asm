; output: cpumix.bin
;
; tty86 CPU benchmark guest (our own program). A realistic 8086 instruction mix that
; loops forever over its kernels; bench/cpu.ts loads it at 1000:0000 and jumps to
; 1000:0000 with SS:SP = 2000:0000. Every pass stores its results at fixed offsets
; (see RESULT_* below) so the benchmark can check the work was really done:
;
;   fill     buffer[i] = (i * 7 + 3) & 0FFh, i = 0..1023 (arithmetic loop, STOSB)
;   copy     REP MOVSW buffer -> copy, then REPE CMPSB; mismatches counted
;   crc16    CRC-16/CCITT-FALSE (poly 1021h, init FFFFh) of the buffer, bit by bit
;   crc32    CRC-32 (reflected poly EDB88320h, init and final xor FFFFFFFFh), bit by bit
;   sieve    Eratosthenes up to 8191 with a byte array; count of primes
;   fib      recursive Fibonacci(16) through CALL/RET and the stack
;   muldiv   sum over i = 1..200 of (i * i) mod 13, with MUL and DIV
;
; Only 8086 instructions are used, so it runs on both CPU models.

        cpu     8086
        org     0

BUF_LEN         equ 1024
SIEVE_LEN       equ 8192

start:
        mov     ax, cs
        mov     ds, ax
        mov     es, ax
        cld

pass:
        call    fill
        call    copy
        call    crc16
        call    crc32
        call    sieve
        mov     ax, 16
        call    fib
        mov     [result_fib], ax
        call    muldiv
        add     word [result_passes], 1
        adc     word [result_passes + 2], 0
        jmp     pass

; buffer[i] = (i * 7 + 3) & 0FFh
fill:
        mov     di, buffer
        xor     bx, bx
        mov     cx, BUF_LEN
.next:
        mov     ax, bx
        shl     ax, 1
        shl     ax, 1
        shl     ax, 1
        sub     ax, bx
        add     ax, 3
        stosb
        inc     bx
        loop    .next
        ret

; copy = buffer (word moves), then compare byte by byte
copy:
        mov     si, buffer
        mov     di, copybuf
        mov     cx, BUF_LEN / 2
        rep     movsw
        mov     si, buffer
        mov     di, copybuf
        mov     cx, BUF_LEN
        xor     dx, dx
.cmp:
        repe    cmpsb
        je      .done
        inc     dx
        jcxz    .done
        jmp     .cmp
.done:
        mov     [result_mismatch], dx
        ret

; CRC-16/CCITT-FALSE over the buffer
crc16:
        mov     si, buffer
        mov     cx, BUF_LEN
        mov     dx, 0FFFFh
.byte:
        lodsb
        xor     dh, al
        mov     bl, 8
.bit:
        shl     dx, 1
        jnc     .nox
        xor     dx, 1021h
.nox:
        dec     bl
        jnz     .bit
        loop    .byte
        mov     [result_crc16], dx
        ret

; CRC-32 over the buffer, reflected, in DX:AX
crc32:
        mov     si, buffer
        mov     cx, BUF_LEN
        mov     ax, 0FFFFh
        mov     dx, 0FFFFh
.byte:
        xor     al, [si]
        inc     si
        mov     bl, 8
.bit:
        shr     dx, 1
        rcr     ax, 1
        jnc     .nox
        xor     ax, 8320h
        xor     dx, 0EDB8h
.nox:
        dec     bl
        jnz     .bit
        loop    .byte
        not     ax
        not     dx
        mov     [result_crc32], ax
        mov     [result_crc32 + 2], dx
        ret

; sieve of Eratosthenes: flags[i] = 1 for composite; count primes in 2..SIEVE_LEN-1
sieve:
        mov     di, flags
        mov     cx, SIEVE_LEN / 2
        xor     ax, ax
        rep     stosw
        mov     bx, 2
.outer:
        mov     ax, bx
        mul     bx
        cmp     ax, SIEVE_LEN
        jae     .count
        cmp     byte [flags + bx], 0
        jne     .skip
        mov     di, ax
.mark:
        mov     byte [flags + di], 1
        add     di, bx
        cmp     di, SIEVE_LEN
        jb      .mark
.skip:
        inc     bx
        jmp     .outer
.count:
        xor     dx, dx
        mov     si, flags + 2
        mov     cx, SIEVE_LEN - 2
.cnt:
        lodsb
        test    al, al
        jnz     .comp
        inc     dx
.comp:
        loop    .cnt
        mov     [result_primes], dx
        ret

; AX = fib(AX), recursive
fib:
        cmp     ax, 2
        jb      .leaf
        push    bx
        push    ax
        dec     ax
        call    fib
        mov     bx, ax
        pop     ax
        push    bx
        sub     ax, 2
        call    fib
        pop     bx
        add     ax, bx
        pop     bx
.leaf:
        ret

; sum of (i * i) mod 13 for i = 1..200
muldiv:
        xor     si, si
        mov     cx, 1
        mov     bx, 13
.next:
        mov     ax, cx
        mul     cx
        div     bx
        add     si, dx
        inc     cx
        cmp     cx, 200
        jbe     .next
        mov     [result_muldiv], si
        ret

        align   16
; Results, at fixed offsets the benchmark reads (offset 0x200 onwards).
        times   0x200 - ($ - $$) db 0
result_passes:   dd 0        ; 0x200
result_mismatch: dw 0        ; 0x204
result_crc16:    dw 0        ; 0x206
result_crc32:    dd 0        ; 0x208
result_primes:   dw 0        ; 0x20C
result_fib:      dw 0        ; 0x20E
result_muldiv:   dw 0        ; 0x210

        align   16
image_end:
; Work areas past the end of the image (zero-filled memory; not stored in the file).
        absolute image_end
buffer:         resb BUF_LEN
copybuf:        resb BUF_LEN
flags:          resb SIEVE_LEN
