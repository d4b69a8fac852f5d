/** tty86's version, shown by `tty86 --version`. */
export const VERSION = "0.1.0";
