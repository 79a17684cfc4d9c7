// Compiles Asio, Asio.SSL and Beast once for the whole program (separate compilation): every
// other translation unit sees only declarations, which keeps Beast-heavy files faster to build.
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
