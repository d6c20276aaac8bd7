/* SPDX-License-Identifier: MIT */
/* Temporary entry point; replaced by the subcommand table. */
int main(void)
{
    return 0;
}
