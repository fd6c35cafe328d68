"""Writes macos-finder-folder.zip to stdout (run as `python3 make-zip.py | cat > macos-finder-folder.zip`:
through a pipe, so zipfile cannot seek back and writes data descriptors after each member, as
macOS Finder's "Compress" (Archive Utility, `ditto -c -k --sequesterRsrc --keepParent`) does).

The layout is Finder's for a compressed folder: a directory entry, the files (a price list saved as
Windows-1252 by a German supplier's Excel, and the folder's .DS_Store), and the resource forks and
extended attributes sequestered as AppleDouble `._` files under `__MACOSX/`.
"""

import struct
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).parent


def apple_double(xattr_name: bytes, xattr_value: bytes) -> bytes:
    """An AppleDouble file (RFC 1740, version 2) as macOS writes `._name`: Finder info with an
    `ATTR` block holding one extended attribute, then an empty resource fork."""
    attr_header_size = 36
    entry_size = 11 + len(xattr_name) + 1
    entry_size += (-entry_size) % 4
    data_start = 0x32 + 32 + 2 + attr_header_size + entry_size
    finder_info_length = data_start + len(xattr_value) - 0x32
    total = 0x32 + finder_info_length
    resource_fork = b"\x00\x00\x01\x00" + b"\x00" * 252 + b"\x00" * 30  # empty resource map, 286 bytes
    header = struct.pack(">II16sH", 0x00051607, 0x00020000, b"Mac OS X        ", 2)
    header += struct.pack(">III", 9, 0x32, finder_info_length)
    header += struct.pack(">III", 2, total, len(resource_fork))
    finder_info = b"\x00" * 32 + b"\x00\x00"
    attr = struct.pack(
        ">4sIIIIIIHH", b"ATTR", 0, total, data_start, len(xattr_value), 0, 0, 0, 1
    )
    entry = struct.pack(">IIHB", data_start, len(xattr_value), 0, len(xattr_name) + 1)
    entry += xattr_name + b"\x00"
    entry += b"\x00" * ((-len(entry)) % 4)
    return header + finder_info + attr + entry + xattr_value + resource_fork


def main() -> None:
    price_list = (HERE / "supplier-de-artikel.csv").read_bytes()
    ds_store = b"\x00\x00\x00\x01Bud1" + b"\x00" * 4088
    quarantine = b"0083;6744f2a1;Safari;8E2F6A3B-1C4D-4E5F-9A0B-1C2D3E4F5A6B"
    with zipfile.ZipFile(sys.stdout.buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        def add(name: str, data: bytes | None) -> None:
            info = zipfile.ZipInfo(name, date_time=(2026, 11, 30, 9, 41, 0))
            info.create_system = 3  # Unix, as Archive Utility records it
            info.external_attr = (0o40755 if data is None else 0o100644) << 16
            if data is None:
                archive.writestr(info, b"")
            else:
                info.compress_type = zipfile.ZIP_DEFLATED
                with archive.open(info, "w") as member:
                    member.write(data)

        add("Preisliste Herbst/", None)
        add("Preisliste Herbst/Artikel.csv", price_list)
        add("__MACOSX/", None)
        add("__MACOSX/Preisliste Herbst/", None)
        add(
            "__MACOSX/Preisliste Herbst/._Artikel.csv",
            apple_double(b"com.apple.quarantine", quarantine),
        )
        add("Preisliste Herbst/.DS_Store", ds_store)
        add("__MACOSX/Preisliste Herbst/._.DS_Store", apple_double(b"com.apple.FinderInfo", b"\x00" * 32))


if __name__ == "__main__":
    main()
