# SPDX-License-Identifier: MIT
# atrium_embed(NAME DIR OUT SYMBOL): turn every *.sql file of DIR, sorted by
# name, into a C array `const struct atrium_embedded_file SYMBOL[]` ending in
# {NULL, NULL}. Regenerated when a file of DIR changes.
function(atrium_embed name dir out symbol)
  file(GLOB files CONFIGURE_DEPENDS ${dir}/*.sql)
  list(SORT files)
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DDIR=${dir} -DOUT=${out} -DSYMBOL=${symbol}
            -P ${CMAKE_SOURCE_DIR}/cmake/embed_run.cmake
    DEPENDS ${files} ${CMAKE_SOURCE_DIR}/cmake/embed_run.cmake
    COMMENT "Embedding ${name}")
endfunction()
