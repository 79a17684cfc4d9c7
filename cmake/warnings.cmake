function(uaudit_set_warnings target)
    target_compile_options(${target} PRIVATE
        -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Wold-style-cast
        -Wnon-virtual-dtor -Woverloaded-virtual -Wimplicit-fallthrough -Wformat=2)
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
        # GCC 11-13 report a false positive on Asio coroutine frames.
        target_compile_options(${target} PRIVATE -Wno-mismatched-new-delete)
        # GCC 12 at -O3 reports impossible overlaps inside std::string's operator+
        # (GCC PR 105329), a false positive that -Werror would turn into a failed build.
        target_compile_options(${target} PRIVATE -Wno-restrict)
    endif()
    if(UAUDIT_WERROR)
        target_compile_options(${target} PRIVATE -Werror)
    endif()
endfunction()
