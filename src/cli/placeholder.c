/* SPDX-License-Identifier: MIT */
/* Placeholder so the layer library is never empty. */
int atrium_cli_layer_placeholder(void);
int atrium_cli_layer_placeholder(void)
{
    return 0;
}
