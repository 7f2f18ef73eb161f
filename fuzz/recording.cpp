// Replay of a recording from outside. The input is a recording: its parts, separated by a line
// "====", are index.jsonl, then files named f1, f2...; the last part is also the body of the
// requests sent to it. The folder also holds a link to a file outside it, a FIFO and a folder.
// Loading must end in the transport or in bingads::Error, never block, and no byte of the file
// outside may reach a response or a message.
#include <bingads/errors.h>
#include <bingads/recording.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
constexpr const char* kSecret = "OUTSIDE-THE-RECORDING-4f1d";

// A folder made once per process: the recording's folder and, beside it, the secret file.
const fs::path& Folder() {
  static const fs::path folder = [] {
    const fs::path root =
        fs::temp_directory_path() / ("bingads-fuzz-recording-" + std::to_string(::getpid()));
    fs::create_directories(root / "recording" / "dir");
    std::ofstream(root / "secret") << kSecret;
    fs::create_symlink(root / "secret", root / "recording" / "link");
    ::mkfifo((root / "recording" / "fifo").c_str(), 0600);
    return root / "recording";
  }();
  return folder;
}

std::vector<std::string> Parts(std::string_view input) {
  std::vector<std::string> parts;
  for (;;) {
    const std::size_t at = input.find("\n====\n");
    parts.emplace_back(input.substr(0, at));
    if (at == std::string_view::npos) return parts;
    input.remove_prefix(at + 6);
  }
}

// Whether the input itself holds the secret (a fuzzer learns it from the comparison below): then
// seeing it come out proves nothing.
bool g_input_holds_secret = false;

void Check(const std::string& text) {
  if (!g_input_holds_secret && text.find(kSecret) != std::string::npos) {
    std::fprintf(stderr, "recording: bytes from outside the folder came out\n");
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  g_input_holds_secret = input.find(kSecret) != std::string_view::npos;
  const auto parts = Parts(input);
  const fs::path& folder = Folder();
  std::ofstream(folder / "index.jsonl", std::ios::binary | std::ios::trunc) << parts[0];
  for (std::size_t i = 1; i < 8; ++i) {
    const fs::path file = folder / ("f" + std::to_string(i));
    if (i < parts.size()) {
      std::ofstream(file, std::ios::binary | std::ios::trunc) << parts[i];
    } else {
      fs::remove(file);
    }
  }
  try {
    const auto replay = bingads::MakeReplayTransport(folder.string(), 1 << 20);
    const std::string& body = parts.back();
    const bingads::HttpRequest requests[] = {
        {"POST",
         "http://127.0.0.1/Api/Advertiser/CampaignManagement/v13/CampaignManagementService.svc",
         {{"SOAPAction", "\"GetBudgetsByIds\""}},
         body},
        {"POST", "http://127.0.0.1/CampaignManagement/v13/Budgets/QueryByIds", {}, body},
        {"POST", "http://127.0.0.1/CampaignManagement/v13/Budgets", {}, body}};
    for (const auto& request : requests) {
      try {
        const bingads::HttpResponse response = replay->Send(request);
        Check(response.body);
        for (const auto& [name, value] : response.headers) {
          Check(name + value);
          if ((name + value).find_first_of("\r\n") != std::string::npos) {
            std::fprintf(stderr, "recording: a replayed header would split\n");
            std::abort();
          }
        }
      } catch (const bingads::Error& e) {
        Check(e.what());
      }
    }
  } catch (const bingads::Error& e) {
    Check(e.what());  // the documented refusal, naming the line and the reason
  }
  return 0;
}
