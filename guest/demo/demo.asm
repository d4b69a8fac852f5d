; output: demo.img
;
; tty86 demo disk: a bootable 1.44 MB floppy written for tty86 (our own work).
; Sector 1 loads the program below into 1000:0000 and jumps to it. The program
; shows a text-mode menu leading to:
;   1  an animated mode 13h fire effect (busy-waits on the VGA retrace bit),
;   2  Snake, a CGA mode 4 game played with the arrow keys,
;   3  a keyboard and timer tester (raw scancodes via its own INT 9 hook, BIOS keys,
;      ticks, RTC, PIT counter),
;   4  a boot counter kept in sector COUNTER_LBA and incremented at every boot, so
;      tty86's overlays can be seen at work (without --write the count never sticks).
; Build: nasm -f bin demo.asm -o demo.img   (guest/build.sh does this)

cpu 186
bits 16

PROG_SEG     equ 0x1000
PROG_SECTORS equ 40             ; sectors 2..41 hold the program (20 KiB)
COUNTER_LBA  equ 60
SPT          equ 18             ; 1.44 MB geometry
HEADS        equ 2
DISK_SIZE    equ 1474560

; ---------------------------------------------------------------------------
%define BOOT_NAME "TTY86DEM"
%include "../common/boot_loader.inc"

; ---------------------------------------------------------------------------
section prog start=512 vstart=0

prog_start:
    mov ax, cs
    mov ds, ax
    mov es, ax
    cld
    mov [drive], dl
    call bump_boot_counter
    mov byte [selected], 0

; ---- the menu --------------------------------------------------------------
menu:
    mov ax, 0x0003
    int 0x10
    call hide_cursor
    call draw_menu
.key:
    call wait_key                ; AH = scan, AL = ascii
    cmp al, '1'
    jb .not_digit
    cmp al, '4'
    ja .not_digit
    sub al, '1'
    mov [selected], al
    jmp .run
.not_digit:
    cmp ah, 0x48                 ; up
    jne .not_up
    cmp byte [selected], 0
    je .key
    dec byte [selected]
    call draw_menu
    jmp .key
.not_up:
    cmp ah, 0x50                 ; down
    jne .not_down
    cmp byte [selected], 3
    je .key
    inc byte [selected]
    call draw_menu
    jmp .key
.not_down:
    cmp al, 13
    jne .key
.run:
    mov bl, [selected]
    xor bh, bh
    shl bx, 1
    call [menu_actions + bx]
    jmp menu

menu_actions: dw fire_demo, snake_game, key_tester, boot_counter_screen

; Draws the whole menu screen (text mode 3, direct to B800).
draw_menu:
    push es
    mov ax, 0xB800
    mov es, ax
    xor di, di
    mov ax, 0x1720               ; grey on blue spaces
    mov cx, 80 * 25
    rep stosw
    ; frame: rows 4..14, columns 17..62
    mov dx, 4
    mov si, frame_top
    call draw_frame_row
    mov dx, 5
    mov si, frame_mid
    call draw_frame_row
    mov dx, 6
    mov si, frame_sep
    call draw_frame_row
    mov dx, 7
.mid_rows:
    mov si, frame_mid
    call draw_frame_row
    inc dx
    cmp dx, 13
    jb .mid_rows
    mov si, frame_bot
    call draw_frame_row          ; DX = 13
    ; title
    mov ah, 0x1E
    mov di, (5 * 80 + 28) * 2
    mov si, title_str
    call put_str
    ; items
    xor cx, cx
.item:
    imul di, cx, 160             ; rows 8, 9, 10, 11
    add di, (8 * 80 + 20) * 2
    mov ah, 0x1F
    cmp cl, [selected]
    jne .plain
    mov ah, 0x70
.plain:
    mov bx, cx
    shl bx, 1
    mov si, [item_strs + bx]
    call put_str_padded
    inc cx
    cmp cx, 4
    jb .item
    ; footer
    mov ah, 0x17
    mov di, (16 * 80 + 17) * 2
    mov si, boots_str1
    call put_str
    mov ax, [boot_count]
    mov bx, [boot_count + 2]
    or bx, bx
    jz .small
    mov ax, 0xFFFF
.small:
    mov bh, 0x1E
    call put_dec
    mov ah, 0x17
    mov si, boots_str2
    call put_str
    mov di, (18 * 80 + 17) * 2
    mov si, help_str
    call put_str
    pop es
    ret

; Draws frame row DX from the 3-byte pattern at SI (left, fill, right).
draw_frame_row:
    push ax
    push cx
    push dx
    mov ax, dx
    mov cx, 160
    mul cx
    add ax, 17 * 2
    mov di, ax
    mov ah, 0x1B
    lodsb
    mov bl, al
    lodsb
    mov bh, al
    lodsb
    mov dl, al
    mov al, bl
    stosw
    mov al, bh
    mov cx, 44
    rep stosw
    mov al, dl
    stosw
    pop dx
    pop cx
    pop ax
    ret

frame_top:  db 0xC9, 0xCD, 0xBB
frame_mid:  db 0xBA, 0x20, 0xBA
frame_sep:  db 0xC7, 0xC4, 0xB6
frame_bot:  db 0xC8, 0xCD, 0xBC
title_str:  db "t t y 8 6    demo disk", 0
item_strs:  dw item1, item2, item3, item4
item1:      db " 1  Fire: an animated mode 13h demo ", 0
item2:      db " 2  Snake: a CGA game (arrow keys)  ", 0
item3:      db " 3  Keyboard and timer tester       ", 0
item4:      db " 4  Boot counter                    ", 0
boots_str1: db "This disk has been booted ", 0
boots_str2: db " time(s).", 0
help_str:   db 0x18, 0x19, " and Enter, or press 1-4.", 0

; ---- shared text helpers (ES = B800 on entry) -------------------------------

; Writes the zero-terminated string at DS:SI to ES:DI with attribute AH.
put_str:
    lodsb
    or al, al
    jz .done
    stosw
    jmp put_str
.done:
    ret

put_str_padded equ put_str

; Writes AX as a decimal number to ES:DI with attribute BH. Clobbers AX, CX, DX.
put_dec:
    push bx
    push si
    mov si, bx                   ; keep the attribute while BX divides
    xor cx, cx
    mov bx, 10
.div:
    xor dx, dx
    div bx
    push dx
    inc cx
    or ax, ax
    jnz .div
.emit:
    pop ax
    add al, '0'
    mov dx, si
    mov ah, dh
    stosw
    loop .emit
    pop si
    pop bx
    ret

; Writes AL as two hex digits to ES:DI with attribute BH. Clobbers AX.
put_hex8:
    push ax
    shr al, 4
    call .nibble
    pop ax
    and al, 0x0F
.nibble:
    and al, 0x0F
    add al, '0'
    cmp al, '9'
    jbe .digit
    add al, 'A' - '9' - 1
.digit:
    mov ah, bh
    stosw
    ret

; Writes AX as four hex digits. Clobbers AX.
put_hex16:
    push ax
    mov al, ah
    call put_hex8
    pop ax
    jmp put_hex8

hide_cursor:
    mov ah, 0x01
    mov cx, 0x2000
    int 0x10
    ret

; Waits for a key with INT 16h; returns AX = scan/ascii.
wait_key:
    xor ah, ah
    int 0x16
    ret

; Returns ZF clear and AX = key if one is waiting (and removes it), ZF set if none.
poll_key:
    mov ah, 0x01
    int 0x16
    jz .none
    xor ah, ah
    int 0x16
    or ax, ax                    ; clears ZF (no key has code 0)
    jnz .got
    inc ax
.got:
    ret
.none:
    ret

; ---- the boot counter -----------------------------------------------------
; Reads sector COUNTER_LBA, adds one to the count (signature "T86C"), writes it back.
bump_boot_counter:
    mov word [boot_count], 0
    mov word [boot_count + 2], 0
    mov byte [counter_state], 0  ; 0 ok, 1 read error, 2 write error
    mov bx, sector_buf
    mov ah, 0x02
    call counter_io
    jnc .read_ok
    mov byte [counter_state], 1
    ret
.read_ok:
    cmp word [sector_buf], 'T8'
    jne .fresh
    cmp word [sector_buf + 2], '6C'
    je .bump
.fresh:
    mov di, sector_buf
    mov cx, 256
    xor ax, ax
    rep stosw
    mov word [sector_buf], 'T8'
    mov word [sector_buf + 2], '6C'
.bump:
    add word [sector_buf + 4], 1
    adc word [sector_buf + 6], 0
    mov ax, [sector_buf + 4]
    mov [boot_count], ax
    mov ax, [sector_buf + 6]
    mov [boot_count + 2], ax
    mov bx, sector_buf
    mov ah, 0x03
    call counter_io
    jnc .ok
    mov byte [counter_state], 2
.ok:
    ret

; INT 13h function AH on the counter sector with buffer ES:BX. CF on error.
counter_io:
    push ax
    mov ax, COUNTER_LBA
    xor dx, dx
    mov cx, SPT
    div cx
    mov cl, dl
    inc cl
    xor dx, dx
    mov si, HEADS
    div si
    mov ch, al
    mov dh, dl
    mov dl, [drive]
    pop ax
    mov al, 1
    int 0x13
    ret

boot_counter_screen:
    mov ax, 0xB800
    mov es, ax
    xor di, di
    mov ax, 0x0720
    mov cx, 80 * 25
    rep stosw
    mov ah, 0x0F
    mov di, (3 * 80 + 4) * 2
    mov si, bc_title
    call put_str
    mov ah, 0x07
    mov di, (6 * 80 + 4) * 2
    mov si, boots_str1
    call put_str
    mov ax, [boot_count]
    mov bh, 0x0E
    call put_dec
    mov ah, 0x07
    mov si, boots_str2
    call put_str
    mov di, (8 * 80 + 4) * 2
    mov bl, [counter_state]
    xor bh, bh
    shl bx, 1
    mov si, [bc_state_strs + bx]
    call put_str
    mov si, bc_lines
    mov dx, 10
.line:
    imul di, dx, 160
    add di, 4 * 2
    mov ah, 0x07
    call put_str
    inc dx
    cmp byte [si], 0
    jne .line
    mov ah, 0x70
    mov di, (22 * 80 + 4) * 2
    mov si, any_key_str
    call put_str
    push cs
    pop es
    call wait_key
    ret

bc_title:      db "Boot counter", 0
bc_state_strs: dw bc_ok, bc_read_err, bc_write_err
bc_ok:         db "The new count was written back to sector 60 of the disk.", 0
bc_read_err:   db "The counter sector could not be read.", 0
bc_write_err:  db "The counter sector could not be written (write-protected?).", 0
bc_lines:
    db "Each boot reads sector 60, adds one and writes it back.", 0
    db "tty86 never writes the image you name unless you ask it to:", 0
    db "by default writes land in a temporary overlay, so the count", 0
    db "starts again at the next run. Run with --write, or on a", 0
    db "differencing child (tty86 disk create --parent), to keep it.", 0
    db 0
any_key_str:   db " Press any key ", 0

; ---- 1: the fire demo (mode 13h) -------------------------------------------
FIRE_TOP equ 120                 ; first line of the fire band
FIRE_ROWS equ 80
FIRE_POLL_ROWS equ 4            ; keyboard poll interval in rows (a power of two)

fire_demo:
    mov ax, 0x0013
    int 0x10
    ; fire palette: black -> red -> yellow -> white, 64 steps each
    mov dx, 0x3C8
    xor al, al
    out dx, al
    inc dx
    xor bx, bx
.pal:
    mov al, bl                   ; r, g, b for index BL
    cmp bl, 64
    jae .p2
    out dx, al                   ; r = i
    xor al, al
    out dx, al
    out dx, al
    jmp .pnext
.p2:
    cmp bl, 128
    jae .p3
    mov al, 63
    out dx, al
    mov al, bl
    sub al, 64
    out dx, al                   ; g = i - 64
    xor al, al
    out dx, al
    jmp .pnext
.p3:
    cmp bl, 192
    jae .p4
    mov al, 63
    out dx, al
    out dx, al
    mov al, bl
    sub al, 128
    out dx, al                   ; b = i - 128
    jmp .pnext
.p4:
    mov al, 63
    out dx, al
    out dx, al
    out dx, al
.pnext:
    inc bl
    jnz .pal
    ; captions through the BIOS teletype in graphics mode
    mov dx, 0x030C               ; row 3, column 12
    mov si, fire_title
    mov bl, 200
    call bios_print_at
    mov dx, 0x050A
    mov si, fire_sub
    mov bl, 100
    call bios_print_at
    mov dx, 0x0A0B
    mov si, fire_help
    mov bl, 255
    call bios_print_at
    mov ax, 0xA000
    mov es, ax
    mov word [rng], 0xACE1
.frame:
    call wait_retrace
    ; seed the two bottom lines with random heat
    mov di, 198 * 320
    mov cx, 640
.seed:
    call random
    mov al, ah
    cmp al, 150
    jb .cold
    mov al, 255
    jmp .store
.cold:
    xor al, al
.store:
    stosb
    loop .seed
    ; propagate upwards: p[y][x] = (p[y+1][x-1] + p[y+1][x] + p[y+1][x+1] + p[y+2][x]) / 4 - 1
    mov di, FIRE_TOP * 320
    mov dx, 198 - FIRE_TOP
.row:
    mov cx, 320
.px:
    xor ax, ax
    xor bx, bx
    mov al, [es:di + 319]
    mov bl, [es:di + 320]
    add ax, bx
    mov bl, [es:di + 321]
    add ax, bx
    mov bl, [es:di + 640]
    add ax, bx
    shr ax, 2
    jz .zero
    dec ax
.zero:
    stosb
    loop .px
    ; a frame takes ~300k instructions (over 100 ms at AT speed): look at the keyboard every
    ; FIRE_POLL_ROWS rows (a few ms) so that Esc leaves at once, not a frame later
    dec dx
    test dl, FIRE_POLL_ROWS - 1
    jnz .no_poll
    call poll_key
    jz .no_poll
    cmp al, 27
    je .leave
.no_poll:
    or dx, dx
    jnz .row
    jmp .frame
.leave:
    push cs
    pop es
    ret

fire_title: db "tty86 - mode 13h", 0
fire_sub:   db "320x200, 256 colours", 0
fire_help:  db "Esc: back to menu", 0

; Prints DS:SI at row DH, column DL with the BIOS teletype in colour BL.
bios_print_at:
    push bx
    mov ah, 0x02
    xor bh, bh
    int 0x10
    pop bx
.ch:
    lodsb
    or al, al
    jz .done
    mov ah, 0x0E
    xor bh, bh
    int 0x10
    jmp .ch
.done:
    ret

; Waits for the start of the next vertical retrace (3DAh bit 3).
wait_retrace:
    mov dx, 0x3DA
.in_retrace:
    in al, dx
    test al, 8
    jnz .in_retrace
.not_yet:
    in al, dx
    test al, 8
    jz .not_yet
    ret

; 16-bit xorshift; returns AX = next value. Clobbers nothing else.
random:
    push dx
    mov ax, [rng]
    mov dx, ax
    shl dx, 7
    xor ax, dx
    mov dx, ax
    shr dx, 9
    xor ax, dx
    mov dx, ax
    shl dx, 8
    xor ax, dx
    mov [rng], ax
    pop dx
    ret

; ---- 2: Snake (CGA mode 4, 40x25 cells of 8x8 pixels) ------------------------
GRID_W equ 40
GRID_H equ 25
CELL_EMPTY equ 0
CELL_SNAKE equ 1
CELL_FOOD  equ 2
CELL_WALL  equ 3
MAX_LEN    equ 1024

snake_game:
    mov ax, 0x0004
    int 0x10
    mov ah, 0x0B                 ; palette 1: cyan, magenta, white
    mov bx, 0x0101
    int 0x10
    mov ah, 0x0B
    mov bx, 0x0010               ; black background, intensified palette (BL bit 4)
    int 0x10
    xor ah, ah
    int 0x1A
    or dx, 1
    mov [rng], dx
.new_game:
    ; clear the screen and the grid
    push es
    mov ax, 0xB800
    mov es, ax
    xor di, di
    xor ax, ax
    mov cx, 0x2000
    rep stosw
    pop es
    mov di, grid
    mov cx, GRID_W * GRID_H
    xor al, al
    rep stosb
    ; walls around rows 1..24
    xor bx, bx
.wall_h:
    mov dl, 1
    call wall_cell
    mov dl, GRID_H - 1
    call wall_cell
    inc bl
    cmp bl, GRID_W
    jb .wall_h
    mov dl, 2
.wall_v:
    xor bl, bl
    call wall_cell
    mov bl, GRID_W - 1
    call wall_cell
    inc dl
    cmp dl, GRID_H - 1
    jb .wall_v
    ; the snake: three cells heading right from (10, 12)
    mov word [snake_head], 0
    mov word [snake_len], 0
    mov word [score], 0
    mov byte [dir_x], 1
    mov byte [dir_y], 0
    mov bl, 8
    mov dl, 12
    call snake_push
    mov bl, 9
    call snake_push
    mov bl, 10
    call snake_push
    call place_food
    call draw_score
    xor ah, ah
    int 0x1A
    mov [last_tick], dx
.loop:
    call poll_key
    jz .no_key
    cmp al, 27
    je .quit
    call steer
.no_key:
    xor ah, ah
    int 0x1A
    mov ax, dx
    sub ax, [last_tick]
    cmp ax, 2                    ; one step every two ticks (about 9 per second)
    jb .idle
    mov [last_tick], dx
    call snake_step
    jc .game_over
    jmp .loop
.idle:
    hlt                          ; wait for the next interrupt
    jmp .loop
.game_over:
    mov dx, 0x0C0A
    mov si, over_str
    mov bl, 3
    call bios_print_at
    mov dx, 0x0E05
    mov si, again_str
    mov bl, 3
    call bios_print_at
.wait:
    call wait_key
    cmp al, 27
    je .quit
    cmp al, 13
    je .new_game
    jmp .wait
.quit:
    ret

over_str:  db "G A M E   O V E R", 0
again_str: db "Enter: play again   Esc: menu", 0
score_str: db "SNAKE  score ", 0

; Arrow keys (or WASD) set the direction; reversing onto itself is ignored.
steer:
    mov cx, 0x00FF               ; up: dx=0, dy=-1
    cmp ah, 0x48
    je .set
    cmp al, 'w'
    je .set
    mov cx, 0x0001               ; down
    cmp ah, 0x50
    je .set
    cmp al, 's'
    je .set
    mov cx, 0xFF00               ; left
    cmp ah, 0x4B
    je .set
    cmp al, 'a'
    je .set
    mov cx, 0x0100               ; right
    cmp ah, 0x4D
    je .set
    cmp al, 'd'
    je .set
    ret
.set:
    mov al, ch
    add al, [dir_x]
    jnz .ok
    mov al, cl
    add al, [dir_y]
    jz .reverse                  ; exactly opposite: ignore
.ok:
    mov [dir_x], ch
    mov [dir_y], cl
.reverse:
    ret

; Moves the snake one cell. CF set when it died.
snake_step:
    mov bx, [snake_head]
    mov cl, [snake_x + bx]
    mov dl, [snake_y + bx]
    add cl, [dir_x]
    add dl, [dir_y]
    mov bl, cl
    call grid_index              ; BX = index of (BL, DL)
    mov al, [grid + bx]
    cmp al, CELL_WALL
    je .dead
    cmp al, CELL_SNAKE
    je .dead
    push ax
    mov bl, cl
    call snake_push
    pop ax
    cmp al, CELL_FOOD
    jne .no_food
    add word [score], 10
    call draw_score
    call place_food
    clc
    ret
.no_food:
    call snake_pop_tail
    clc
    ret
.dead:
    stc
    ret

; Appends (BL, DL) as the new head.
snake_push:
    push bx
    push dx
    mov ax, [snake_head]
    cmp word [snake_len], 0
    je .first
    inc ax
    and ax, MAX_LEN - 1
.first:
    mov [snake_head], ax
    mov si, ax
    mov [snake_x + si], bl
    mov [snake_y + si], dl
    inc word [snake_len]
    push bx
    call grid_index
    mov byte [grid + bx], CELL_SNAKE
    pop bx
    mov al, 1
    call draw_cell
    pop dx
    pop bx
    ret

; Removes the tail cell.
snake_pop_tail:
    mov ax, [snake_head]
    sub ax, [snake_len]
    inc ax
    and ax, MAX_LEN - 1
    mov si, ax
    mov bl, [snake_x + si]
    mov dl, [snake_y + si]
    dec word [snake_len]
    push bx
    call grid_index
    mov byte [grid + bx], CELL_EMPTY
    pop bx
    xor al, al
    call draw_cell
    ret

; Puts food on a random empty cell.
place_food:
.try:
    call random
    xor dx, dx
    mov cx, GRID_W * GRID_H
    div cx                       ; DX = random cell index
    mov bx, dx
    cmp byte [grid + bx], CELL_EMPTY
    jne .try
    cmp bx, GRID_W * 2           ; keep the score line free
    jb .try
    mov byte [grid + bx], CELL_FOOD
    mov ax, bx
    mov cl, GRID_W
    div cl                       ; AL = row, AH = column
    mov dl, al
    mov bl, ah
    mov al, 2
    call draw_cell
    ret

wall_cell:
    push bx
    call grid_index
    mov byte [grid + bx], CELL_WALL
    pop bx
    mov al, 3
    call draw_cell
    ret

; BX = DL * GRID_W + BL. Clobbers AX.
grid_index:
    mov al, dl
    mov ah, GRID_W
    mul ah
    xor bh, bh
    add ax, bx
    mov bx, ax
    ret

; Fills cell (BL, DL) with colour AL (0-3) in CGA mode 4 memory.
draw_cell:
    pusha
    push es
    mov cx, 0xB800
    mov es, cx
    mov ah, al                   ; replicate the 2-bit colour into a byte
    shl ah, 2
    or al, ah
    mov ah, al
    shl ah, 4
    or al, ah
    mov ah, al                   ; AX = colour pattern for 8 pixels
    xor bh, bh
    shl bx, 1                    ; byte column = cell x * 2
    mov cl, dl
    xor ch, ch
    shl cx, 2                    ; pixel row / 2 = cell y * 4
    mov si, cx
    shl si, 4                    ; * 16
    shl cx, 6                    ; * 64
    add si, cx                   ; SI = (cell y * 4) * 80
    add si, bx
    mov cx, 4
.rows:
    mov [es:si], ax              ; even line
    mov [es:si + 0x2000], ax     ; odd line
    add si, 80
    loop .rows
    pop es
    popa
    ret

draw_score:
    mov dx, 0x0001
    mov si, score_str
    mov bl, 3
    call bios_print_at
    ; print the number with the teletype
    mov ax, [score]
    xor cx, cx
    mov bx, 10
.div:
    xor dx, dx
    div bx
    push dx
    inc cx
    or ax, ax
    jnz .div
.out:
    pop ax
    add al, '0'
    mov ah, 0x0E
    mov bx, 0x0002
    int 0x10
    loop .out
    ret

; ---- 3: keyboard and timer tester ---------------------------------------------
key_tester:
    mov ax, 0x0003
    int 0x10
    call hide_cursor
    ; hook INT 9 to see raw scancodes, then chain to the BIOS handler
    cli
    push ds
    xor ax, ax
    mov ds, ax
    mov ax, [9 * 4]
    mov dx, [9 * 4 + 2]
    mov word [9 * 4], kbd_hook
    mov [9 * 4 + 2], cs
    pop ds
    mov [old_int9], ax
    mov [old_int9 + 2], dx
    sti
    mov byte [raw_head], 0
    mov word [raw_total], 0
    mov di, raw_buf
    mov cx, 16
    xor al, al
    rep stosb
    mov word [last_key], 0
    mov byte [esc_count], 0
    xor ah, ah
    int 0x1A
    mov [start_tick], dx
    mov [start_tick + 2], cx
    mov ax, 0xB800
    mov es, ax
    xor di, di
    mov ax, 0x0720
    mov cx, 80 * 25
    rep stosw
    mov si, kt_labels
    mov dx, 2
.label:
    imul di, dx, 160
    add di, 4 * 2
    mov ah, 0x07
    cmp dx, 2
    jne .plain
    mov ah, 0x0F
.plain:
    call put_str
    add dx, 2
    cmp byte [si], 0
    jne .label
.refresh:
    call kt_draw
    call poll_key
    jz .idle
    mov [last_key], ax
    cmp al, 27
    jne .not_esc
    inc byte [esc_count]
    cmp byte [esc_count], 2
    jae .quit
    jmp .refresh
.not_esc:
    mov byte [esc_count], 0
    jmp .refresh
.idle:
    hlt
    jmp .refresh
.quit:
    cli
    push ds
    mov ax, [old_int9]
    mov dx, [old_int9 + 2]
    xor bx, bx
    mov ds, bx
    mov [9 * 4], ax
    mov [9 * 4 + 2], dx
    pop ds
    sti
    push cs
    pop es
    ret

kt_labels:
    db "Keyboard and timer tester            (Esc twice: back to the menu)", 0
    db "Raw scancodes seen by an INT 9 hook (oldest first):", 0
    db "Bytes seen:", 0
    db "Last key (INT 16h): scan   ascii", 0
    db "Shift flags (0040:0017):", 0
    db "Timer ticks (0040:006C):", 0
    db "Seconds since start:", 0
    db "RTC time (INT 1Ah):", 0
    db "PIT channel 0 counter:", 0
    db 0

; Redraws the values (ES = B800).
kt_draw:
    mov bh, 0x0E
    ; raw scancodes, oldest first, on the row below their label
    mov di, (5 * 80 + 8) * 2
    mov cl, [raw_head]
    mov ch, 16
.raw:
    mov bl, cl
    and bl, 15
    push bx
    xor bh, bh
    mov al, [raw_buf + bx]
    pop bx
    call put_hex8
    mov ax, 0x0720
    stosw
    inc cl
    dec ch
    jnz .raw
    mov di, (6 * 80 + 45) * 2
    mov ax, [raw_total]
    call put_dec
    mov ax, 0x0720
    stosw
    stosw
    mov di, (8 * 80 + 45) * 2
    mov ax, [last_key]
    mov al, ah
    call put_hex8
    mov di, (8 * 80 + 53) * 2
    mov ax, [last_key]
    call put_hex8
    mov al, ' '
    mov ah, bh
    stosw
    mov al, [last_key]
    cmp al, 32
    jae .printable
    mov al, ' '
.printable:
    mov ah, 0x0F
    stosw
    ; shift flags
    push ds
    mov ax, 0x40
    mov ds, ax
    mov ax, [0x17]
    mov si, [0x6C]
    mov dx, [0x6E]
    pop ds
    mov di, (10 * 80 + 45) * 2
    push ax
    call put_hex8
    mov ax, 0x0720
    stosw
    pop ax
    mov al, ah
    call put_hex8
    ; ticks (DX:SI), shown as hex double word
    mov di, (12 * 80 + 45) * 2
    mov ax, dx
    call put_hex16
    mov ax, si
    call put_hex16
    ; tenths of seconds since start = (ticks - start) * 10 * 10 / 182 (16-bit span)
    sub si, [start_tick]
    mov ax, si
    mov cx, 100
    mul cx
    mov cx, 182
    div cx                       ; AX = tenths (fits for ~ 10 minutes)
    xor dx, dx
    mov cx, 10
    div cx
    push dx
    mov di, (14 * 80 + 45) * 2
    call put_dec
    mov al, '.'
    mov ah, bh
    stosw
    pop ax
    add al, '0'
    mov ah, bh
    stosw
    mov ax, 0x0720
    stosw
    stosw
    ; RTC time
    mov ah, 0x02
    int 0x1A
    jc .no_rtc
    mov di, (16 * 80 + 45) * 2
    mov al, ch
    call put_hex8
    mov al, ':'
    mov ah, bh
    stosw
    mov al, cl
    call put_hex8
    mov al, ':'
    mov ah, bh
    stosw
    mov al, dh
    call put_hex8
.no_rtc:
    ; PIT channel 0: latch and read
    cli
    xor al, al
    out 0x43, al
    in al, 0x40
    mov ah, al
    in al, 0x40
    sti
    xchg al, ah
    mov di, (18 * 80 + 45) * 2
    call put_hex16
    ret

; INT 9 hook: remember the raw byte, then let the BIOS handle the key.
kbd_hook:
    push ax
    push bx
    push ds
    push cs
    pop ds
    in al, 0x60
    mov bl, [raw_head]
    xor bh, bh
    mov [raw_buf + bx], al
    inc bl
    and bl, 15
    mov [raw_head], bl
    inc word [raw_total]
    pop ds
    pop bx
    pop ax
    jmp far [cs:old_int9]

; ---- data -------------------------------------------------------------------
drive:         db 0
selected:      db 0
counter_state: db 0
boot_count:    dd 0
rng:           dw 0xACE1
last_tick:     dw 0
score:         dw 0
dir_x:         db 1
dir_y:         db 0
snake_head:    dw 0
snake_len:     dw 0
old_int9:      dd 0
raw_head:      db 0
raw_total:     dw 0
raw_buf:       times 16 db 0
last_key:      dw 0
esc_count:     db 0
start_tick:    dd 0

prog_end:
    times PROG_SECTORS * 512 - (prog_end - prog_start) db 0

; Uninitialised work areas live after the loaded image, still inside segment 1000h.
absolute PROG_SECTORS * 512
sector_buf: resb 512
grid:       resb GRID_W * GRID_H
snake_x:    resb MAX_LEN
snake_y:    resb MAX_LEN

; ---------------------------------------------------------------------------
section tail start=DISK_SIZE-512
    times 512 db 0
