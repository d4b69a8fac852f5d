; output: modes.img
;
; tty86 video mode tour (our own work): a bootable 1.44 MB floppy that sets every
; video mode tty86 supports, draws a known test pattern in each, labels it with
; the BIOS teletype where the mode allows, and waits for a key before the next.
; Golden screenshots of each step live in tests/golden/modes/.
; Order: 00h 01h 02h 03h 07h 04h 05h 06h 0Dh 0Eh 10h 12h 13h, unchained 13h ("mode X"),
; then back to mode 03h with "done".

cpu 186
bits 16

PROG_SEG     equ 0x1000
PROG_SECTORS equ 8
SPT          equ 18
HEADS        equ 2
DISK_SIZE    equ 1474560
%define BOOT_NAME "TTY86VID"
%include "../common/boot_loader.inc"

; ---------------------------------------------------------------------------
section prog start=512 vstart=0

prog_start:
    mov ax, cs
    mov ds, ax
    mov es, ax
    cld
    mov si, mode_list
.next_mode:
    lodsb
    cmp al, 0xFF
    je .mode_x
    push si
    mov [cur_mode], al
    xor ah, ah
    int 0x10
    call draw_for_mode
    call wait_key
    pop si
    jmp .next_mode
.mode_x:
    call mode_x_pattern
    call wait_key
    mov ax, 0x0003
    int 0x10
    mov si, done_str
    call tty_str
.halt:
    hlt
    jmp .halt

mode_list: db 0x00, 0x01, 0x02, 0x03, 0x07, 0x04, 0x05, 0x06, 0x0D, 0x0E, 0x10, 0x12, 0x13, 0xFF
done_str:  db "Video mode tour done.", 0

wait_key:
    xor ah, ah
    int 0x16
    ret

; Prints DS:SI with the teletype (BL = colour in graphics modes).
tty_str:
    lodsb
    or al, al
    jz .done
    mov ah, 0x0E
    xor bh, bh
    int 0x10
    jmp tty_str
.done:
    ret

; Prints "mode XXh" at the top left in colour BL.
label_mode:
    push bx
    mov ah, 0x02
    xor bh, bh
    xor dx, dx
    int 0x10
    pop bx
    mov si, mode_str
    call tty_str
    mov al, [cur_mode]
    shr al, 4
    call tty_hex
    mov al, [cur_mode]
    call tty_hex
    mov al, 'h'
    mov ah, 0x0E
    int 0x10
    ret

tty_hex:
    and al, 0x0F
    add al, '0'
    cmp al, '9'
    jbe .d
    add al, 7
.d:
    mov ah, 0x0E
    xor bh, bh
    int 0x10
    ret

mode_str: db "mode ", 0

draw_for_mode:
    mov al, [cur_mode]
    cmp al, 0x03
    jbe text_pattern
    cmp al, 0x07
    je text_pattern
    cmp al, 0x06
    jbe cga_pattern
    cmp al, 0x13
    je vga256_pattern
    jmp planar_pattern

; ---- text modes: all 256 characters in a 16x16 grid, attribute = index & 7Fh ----
text_pattern:
    mov bx, 0xB800
    cmp byte [cur_mode], 7
    jne .seg
    mov bx, 0xB000
.seg:
    mov es, bx
    mov cx, 80                   ; bytes per row / 2
    cmp byte [cur_mode], 1
    ja .wide
    mov cx, 40
.wide:
    shl cx, 1                    ; CX = bytes per text row
    xor bx, bx                   ; character index
.cell:
    mov ax, bx
    shr ax, 4                    ; row in the grid
    add ax, 3
    mul cx
    mov di, ax
    mov ax, bx
    and ax, 15
    shl ax, 2                    ; two columns per cell, two bytes per column
    add ax, 4
    add di, ax
    mov al, bl
    mov ah, bl
    and ah, 0x7F
    stosw
    inc bx
    cmp bx, 256
    jb .cell
    push cs
    pop es
    mov bl, 7
    call label_mode
    ret

; ---- CGA modes 4/5 (4 colours) and 6 (2 colours) -----------------------------
cga_pattern:
    mov ax, 0xB800
    mov es, ax
    ; lines 16..199: vertical bars, each 80 bytes wide row split in 4 (or 8) bars,
    ; plus a diagonal drawn through INT 10h AH=0Ch.
    mov dx, 16
.line:
    mov di, dx
    shr di, 1
    imul di, di, 80
    test dl, 1
    jz .even
    add di, 0x2000
.even:
    xor bx, bx
.byte:
    mov ax, bx
    cmp byte [cur_mode], 6
    je .mono
    ; 4 colours: bar index = byte / 20, pattern = colour in every pixel
    mov cl, 20
    div cl                       ; AL = bar 0..3
    mov ah, al
    shl ah, 2
    or al, ah
    mov ah, al
    shl ah, 4
    or al, ah
    jmp .put
.mono:
    ; 2 colours: alternate solid, empty, 0xAA, 0xCC stripes every 10 bytes
    mov cl, 10
    div cl
    and al, 3
    push bx
    mov bx, mono_pats
    xlatb
    pop bx
.put:
    mov [es:di + bx], al
    inc bx
    cmp bx, 80
    jb .byte
    inc dx
    cmp dx, 200
    jb .line
    ; diagonal through the BIOS pixel service
    xor cx, cx
    mov dx, 16
.diag:
    mov ax, 0x0C03
    cmp byte [cur_mode], 6
    jne .col
    mov al, 1
.col:
    xor bh, bh
    int 0x10
    inc cx
    inc dx
    cmp dx, 200
    jb .diag
    push cs
    pop es
    mov bl, 3
    cmp byte [cur_mode], 6
    jne .lbl
    mov bl, 1
.lbl:
    call label_mode
    ret

mono_pats: db 0xFF, 0x00, 0xAA, 0xCC

; ---- planar 16-colour modes: 16 bars through write mode 2 ----------------------
planar_pattern:
    ; geometry: bytes per line and lines
    mov al, [cur_mode]
    mov word [line_bytes], 80
    mov word [line_count], 480
    cmp al, 0x12
    je .geo
    mov word [line_count], 350
    cmp al, 0x10
    je .geo
    mov word [line_count], 200
    cmp al, 0x0E
    je .geo
    mov word [line_bytes], 40           ; 0Dh
.geo:
    mov ax, 0xA000
    mov es, ax
    mov dx, 0x3CE
    mov ax, 0x0205               ; graphics mode register: write mode 2
    out dx, ax
    mov ax, 0xFF08               ; bit mask: all bits
    out dx, ax
    mov di, 0
    mov bp, 16                   ; first line drawn (leave room for the label)
    mov ax, [line_bytes]
    mul bp
    mov di, ax
.line:
    xor bx, bx
.byte:
    ; colour = byte index * 16 / bpl
    mov ax, bx
    shl ax, 4
    xor dx, dx
    div word [line_bytes]
    mov [es:di], al
    inc di
    inc bx
    cmp bx, [line_bytes]
    jb .byte
    inc bp
    cmp bp, [line_count]
    jb .line
    ; back to write mode 0 for the BIOS
    mov dx, 0x3CE
    mov ax, 0x0005
    out dx, ax
    push cs
    pop es
    ; a diagonal in colour 15 with the BIOS pixel service
    xor cx, cx
    mov dx, 16
.diag:
    mov ax, 0x0C0F
    xor bh, bh
    int 0x10
    inc cx
    inc dx
    cmp dx, [line_count]
    jb .diag
    mov bl, 14
    call label_mode
    ret

line_bytes: dw 0
line_count: dw 0

; ---- mode 13h: the 256 colours as a 16x16 grid of 20x11 blocks ----------------
vga256_pattern:
    mov ax, 0xA000
    mov es, ax
    mov dx, 16                   ; line
.line:
    imul di, dx, 320
    mov ax, dx
    sub ax, 16
    mov cl, 11
    div cl                       ; AL = grid row
    shl al, 4
    mov ah, al                   ; AH = row * 16
    xor bx, bx
.px:
    mov ax, bx
    mov cl, 20
    div cl                       ; AL = grid column
    mov cl, al
    mov ax, dx
    sub ax, 16
    push cx
    mov cl, 11
    div cl
    pop cx
    shl al, 4
    add al, cl
    stosb
    inc bx
    cmp bx, 320
    jb .px
    inc dx
    cmp dx, 16 + 16 * 11
    jb .line
    push cs
    pop es
    mov bl, 15
    call label_mode
    ret

; ---- unchained mode 13h ("mode X" addressing at 320x200) -----------------------
mode_x_pattern:
    mov ax, 0x0013
    int 0x10
    mov dx, 0x3C4
    mov ax, 0x0604               ; memory mode: chain-4 off, odd/even off
    out dx, ax
    mov ax, 0x0F02               ; map mask: all planes, to clear
    out dx, ax
    mov ax, 0xA000
    mov es, ax
    xor di, di
    xor ax, ax
    mov cx, 0x8000
    rep stosw
    mov dx, 0x3D4
    mov ax, 0x0014               ; underline location: dword mode off
    out dx, ax
    mov ax, 0xE317               ; mode control: byte mode on
    out dx, ax
    ; pixel (x, y) lives in plane x & 3 at offset y * 80 + x / 4.
    ; Colour = plane * 64 + (y & 63): each plane gets its own hue band.
    xor bp, bp                   ; plane
.plane:
    mov cx, bp
    mov ah, 1
    shl ah, cl
    mov al, 0x02
    mov dx, 0x3C4
    out dx, ax
    xor di, di
    xor dx, dx                   ; y
.y:
    mov ax, bp
    shl ax, 6
    mov bx, dx
    and bx, 63
    add ax, bx
    mov cx, 80
    rep stosb
    inc dx
    cmp dx, 200
    jb .y
    inc bp
    cmp bp, 4
    jb .plane
    push cs
    pop es
    ret

cur_mode: db 0

prog_end:
    times PROG_SECTORS * 512 - (prog_end - prog_start) db 0

section tail start=DISK_SIZE-512
    times 512 db 0
