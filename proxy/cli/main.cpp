#include "cli/commands.hpp"

int main(int argc, char** argv) {
    return uaudit::cli::dispatch(argc, argv);
}
