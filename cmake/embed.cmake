# uaudit_embed(target namespace function file): compiles FILE into TARGET as
# `std::string_view namespace::function()`, so the binary needs no file at run time.
function(uaudit_embed target namespace function file)
    set(out ${CMAKE_BINARY_DIR}/embedded/${function}.cpp)
    add_custom_command(
        OUTPUT ${out}
        COMMAND ${CMAKE_COMMAND} -DINPUT=${file} -DOUTPUT=${out} -DNAMESPACE=${namespace}
                -DFUNCTION=${function} -P ${CMAKE_SOURCE_DIR}/cmake/embed_file.cmake
        DEPENDS ${file} ${CMAKE_SOURCE_DIR}/cmake/embed_file.cmake
        COMMENT "Embedding ${file}")
    target_sources(${target} PRIVATE ${out})
endfunction()
