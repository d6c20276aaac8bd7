/* SPDX-License-Identifier: MIT */
/* Files embedded into the binary at build time (cmake/embed.cmake). */
#pragma once

struct atrium_embedded_file {
    const char *name; /* base name, e.g. "0001_init.sql"; NULL ends the table */
    const char *text; /* NUL-terminated content */
};
