/* SPDX-License-Identifier: MIT */
/* `atrium serve`: configuration from options and environment, then run the server. */
#pragma once

int atrium_cmd_serve(int argc, char **argv);
