# SPDX-License-Identifier: MIT
# Compiler warnings and optional sanitizers, applied per target.
function(atrium_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wshadow -Wstrict-prototypes
                         -Wmissing-prototypes -Wformat=2 -Wvla -Wno-unused-parameter)
  if(ATRIUM_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

if(ATRIUM_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer
                      -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
if(CMAKE_BUILD_TYPE MATCHES "Rel")
  add_compile_options(-D_FORTIFY_SOURCE=2 -fstack-protector-strong)
endif()
