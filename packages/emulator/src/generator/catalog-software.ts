/**
 * Software products the tenant's devices run. One line per product:
 * `vendor|name|install percentages per family|latest version|version step|CVE weight|display name`.
 * Families: W = Windows client, S = Windows Server, M = macOS, L = Linux. Version step: `M` = major
 * releases (browsers), `m` = minor, `p` = patch. CVE weight is relative (how many CVEs the product gets).
 */
const LINES = `
microsoft|edge_chromium-based|W98,S70|126.0.2592.87|M|60|Microsoft Edge
microsoft|office|W80,S6,M30|16.0.17726.20160|p|40|Microsoft 365 Apps
microsoft|teams|W85,M60|24124.2315.2911.3357|p|6|Microsoft Teams
microsoft|onedrive|W92,M40|24.116.0609.0004|p|3|OneDrive
microsoft|.net_framework|W99,S99|4.8.9241|p|12|.NET Framework
microsoft|.net|W35,S40,L15,M5|8.0.6|p|10|.NET
microsoft|visual_studio_code|W22,M30,L10|1.90.2|m|4|Visual Studio Code
microsoft|visual_studio_2022|W8,S2|17.10.3|m|8|Visual Studio 2022
microsoft|visual_c++_2015-2022_redistributable|W95,S90|14.40.33810.0|p|1|Visual C++ Redistributable
microsoft|sql_server_2019|S12|15.0.4375.4|p|10|SQL Server 2019
microsoft|sql_server_2022|S10|16.0.4125.3|p|8|SQL Server 2022
microsoft|sql_server_management_studio|S15,W4|20.1.10.0|m|2|SQL Server Management Studio
microsoft|exchange_server_2019|S2|15.2.1544.11|p|15|Exchange Server 2019
microsoft|sharepoint_server|S1|16.0.17328.20292|p|10|SharePoint Server
microsoft|powershell|W30,S35,L8,M6|7.4.3|p|3|PowerShell 7
microsoft|windows_terminal|W25|1.20.11381.0|m|1|Windows Terminal
microsoft|remote_desktop|W20,M20|1.2.5405.0|p|2|Remote Desktop
microsoft|system_center_configuration_manager_client|W60,S50|5.00.9128.1007|p|1|Configuration Manager Client
microsoft|azure_cli|W8,L20,M10|2.61.0|m|2|Azure CLI
microsoft|azure_connected_machine_agent|S25,L20|1.43.0|m|2|Azure Connected Machine Agent
microsoft|access_database_engine|W10|16.0.5044.1000|p|3|Access Database Engine
microsoft|power_bi_desktop|W10|2.130.754.0|m|2|Power BI Desktop
microsoft|visio|W6|16.0.17726.20160|p|3|Visio
microsoft|project|W3|16.0.17726.20160|p|2|Project
microsoft|skype_for_business|W10|16.0.17726.20160|p|3|Skype for Business
microsoft|internet_information_services|S30|10.0.17763.1|p|4|IIS
microsoft|odbc_driver_for_sql_server|S20,W5|18.3.3.1|p|1|ODBC Driver 18 for SQL Server
microsoft|ole_db_driver_for_sql_server|S15|19.3.3.0|p|1|OLE DB Driver for SQL Server
microsoft|defender_for_identity_sensor|S4|2.235.17849.1|p|1|Defender for Identity sensor
microsoft|windows_admin_center|S6|1.5.2311.10001|m|2|Windows Admin Center
microsoft|sysinternals_process_explorer|W6,S10|17.06|m|1|Process Explorer
microsoft|outlook_for_mac|M45|16.86.0|m|3|Outlook for Mac
microsoft|word_for_mac|M45|16.86.0|m|3|Word for Mac
microsoft|excel_for_mac|M45|16.86.0|m|3|Excel for Mac
microsoft|autoupdate|M70|4.73.0|m|1|Microsoft AutoUpdate
google|chrome|W62,S25,M55,L8|126.0.6478.127|M|70|Google Chrome
google|drive|W12,M15|93.0.2.0|m|1|Google Drive
google|google_update|W60,S20|1.3.36.372|p|1|Google Update
mozilla|firefox|W18,S5,M15,L30|127.0.2|M|45|Mozilla Firefox
mozilla|firefox_esr|W5,S4,L20|115.12.0|m|20|Firefox ESR
mozilla|thunderbird|W4,M3,L5|115.12.2|m|12|Thunderbird
oracle|jre|W16,S18,M4|1.8.0_411|p|35|Java Runtime Environment
oracle|jdk|W4,S8,M4,L8|21.0.3|p|15|Java SE Development Kit
oracle|virtualbox|W5,M4,L3|7.0.18|p|12|VirtualBox
oracle|mysql_server|S4,L12|8.0.37|p|10|MySQL Server
oracle|mysql_workbench|W3,M2|8.0.36|p|2|MySQL Workbench
oracle|database_server|S3,L4|19.23.0.0|p|8|Oracle Database
oracle|instant_client|S6,W3,L4|21.14.0.0|p|2|Oracle Instant Client
adobe|acrobat_reader_dc|W55,S12,M35|24.002.20857|p|35|Adobe Acrobat Reader
adobe|acrobat_dc|W12,M12|24.002.20857|p|25|Adobe Acrobat
adobe|creative_cloud|W8,M15|6.2.0.554|p|4|Adobe Creative Cloud
adobe|photoshop|W4,M10|25.9.1|p|8|Adobe Photoshop
adobe|illustrator|W3,M6|28.5|m|6|Adobe Illustrator
adobe|flash_player|W1|32.0.0.465|p|15|Adobe Flash Player
adobe|air|W2|51.0.1.1|p|3|Adobe AIR
apple|safari|M99|17.5|m|25|Safari
apple|itunes|W6|12.13.2.3|p|8|iTunes
apple|icloud|W5|15.3.0.0|p|3|iCloud for Windows
apple|xcode|M18|15.4|m|4|Xcode
zoom|zoom|W45,M45,L5|6.1.1.41705|p|10|Zoom Workplace
zoom|outlook_plugin|W8|6.0.10|p|1|Zoom Outlook Plugin
cisco|anyconnect_secure_mobility_client|W40,M35|4.10.08029|p|6|AnyConnect
cisco|secure_client|W20,M20|5.1.3.62|p|3|Cisco Secure Client
cisco|webex_meetings|W12,M10|44.6.2.29928|p|5|Webex
cisco|jabber|W6|14.3.0.58542|p|3|Cisco Jabber
citrix|workspace|W30,M15|24.5.0.131|p|8|Citrix Workspace
citrix|virtual_delivery_agent|S8|2402.0.100.629|p|4|Citrix VDA
vmware|tools|S45,W5,L25|12.4.5.23787635|p|5|VMware Tools
vmware|workstation_player|W3|17.5.2|p|6|VMware Workstation Player
vmware|horizon_client|W10,M4|8.12.0.23149323|p|3|VMware Horizon Client
vmware|vsphere_client|W2|8.0.2|p|3|vSphere Client
7-zip|7-zip|W48,S40|24.07|m|3|7-Zip
rarlab|winrar|W14,S5|7.01|m|4|WinRAR
winzip|winzip|W4|28.0.15620|p|2|WinZip
notepad-plus-plus|notepad++|W30,S35|8.6.8|p|5|Notepad++
videolan|vlc_media_player|W25,M15,L10|3.0.21|p|6|VLC media player
python|python|W15,S10,M25,L75|3.12.4|p|8|Python
nodejs|node.js|W8,S6,M15,L25|20.15.0|p|10|Node.js
git-scm|git|W18,S10,M35,L40|2.45.2|p|4|Git
github|github_desktop|W5,M8|3.4.1|p|1|GitHub Desktop
putty|putty|W18,S30|0.81|m|4|PuTTY
winscp|winscp|W10,S20|6.3.4|p|3|WinSCP
filezilla-project|filezilla_client|W6,M4,L3|3.67.1|p|3|FileZilla Client
wireshark|wireshark|W4,M3,L5|4.2.5|p|10|Wireshark
npcap|npcap|W4,S3|1.79|m|1|Npcap
tightvnc|tightvnc|W2,S4|2.8.81|p|4|TightVNC
realvnc|vnc_viewer|W3,M2|7.12.0|m|2|VNC Viewer
teamviewer|teamviewer|W14,S8,M8|15.55.3|p|6|TeamViewer
anydesk|anydesk|W6,M3|8.0.11|p|3|AnyDesk
slack|slack|W15,M30,L3|4.39.90|p|3|Slack
discord|discord|W3,M2|1.0.9147|p|1|Discord
spotify|spotify|W12,M15|1.2.40.599|p|1|Spotify
dropbox|dropbox|W8,M10|202.4.5551|p|2|Dropbox
box|box_drive|W6,M8|2.38.173|p|1|Box Drive
docker|docker_desktop|W6,M12|4.31.1|p|6|Docker Desktop
docker|docker_engine|L35|26.1.4|p|8|Docker Engine
hashicorp|terraform|W3,M8,L8|1.8.5|p|2|Terraform
hashicorp|vagrant|W2,M2|2.4.1|p|2|Vagrant
jetbrains|intellij_idea|W5,M10|2024.1.3|p|3|IntelliJ IDEA
jetbrains|pycharm|W3,M6|2024.1.3|p|2|PyCharm
jetbrains|toolbox_app|W4,M6|2.3.2|p|1|JetBrains Toolbox
postman|postman|W6,M8|11.2.0|p|2|Postman
greenshot|greenshot|W10|1.2.10.6|p|2|Greenshot
irfanview|irfanview|W5|4.67|m|3|IrfanView
gimp|gimp|W3,M3,L6|2.10.38|p|4|GIMP
inkscape|inkscape|W2,M2,L3|1.3.2|p|2|Inkscape
libreoffice|libreoffice|W6,M5,L25|24.2.4|p|8|LibreOffice
the_document_foundation|libreoffice_help|W2|24.2.4|p|1|LibreOffice Help
foxit|pdf_reader|W10|2024.2.2|p|12|Foxit PDF Reader
foxit|pdf_editor|W3|2024.2.2|p|8|Foxit PDF Editor
nitro|nitro_pro|W3|14.26.1.0|p|3|Nitro PDF Pro
pdfforge|pdfcreator|W4|5.2.3|p|2|PDFCreator
keepass|keepass|W6,S4|2.57|m|3|KeePass
bitwarden|bitwarden|W4,M5|2024.6.2|p|1|Bitwarden
lastpass|lastpass|W3,M3|4.132.0|p|1|LastPass
1password|1password|W3,M8|8.10.33|p|1|1Password
fortinet|forticlient|W10,M6|7.2.4.0972|p|8|FortiClient
paloaltonetworks|globalprotect|W18,M14,L2|6.2.3|p|6|GlobalProtect
pulse_secure|pulse_secure_desktop|W5|9.1.15|p|5|Pulse Secure
checkpoint|endpoint_security|W3|88.30|m|3|Check Point Endpoint Security
openvpn|openvpn|W6,M4,L10|2.6.11|p|5|OpenVPN
wireguard|wireguard|W3,M3,L8|0.5.3|p|2|WireGuard
tenable|nessus_agent|S20,L25,W5|10.6.4|p|4|Nessus Agent
qualys|cloud_agent|S15,L15,W5|6.0.0.41|p|2|Qualys Cloud Agent
splunk|universal_forwarder|S35,L30|9.2.1|p|6|Splunk Universal Forwarder
elastic|elastic_agent|S10,L15|8.14.1|p|3|Elastic Agent
elastic|elasticsearch|L8|8.14.1|p|8|Elasticsearch
elastic|kibana|L5|8.14.1|p|6|Kibana
datadog|datadog_agent|S8,L15|7.54.1|p|2|Datadog Agent
newrelic|infrastructure_agent|S5,L8|1.52.3|p|1|New Relic Infrastructure
solarwinds|orion_agent|S8|2024.2.0|m|6|SolarWinds Agent
veeam|backup_and_replication|S5|12.1.2.172|p|8|Veeam Backup & Replication
veeam|agent_for_windows|S6,W2|6.1.2.134|p|3|Veeam Agent
veritas|backup_exec|S3|22.0.1193|p|5|Backup Exec
commvault|commvault|S5|11.32.58|p|4|Commvault
dell|command_update|W20|5.3.0|m|3|Dell Command Update
dell|supportassist|W18|4.2.1.29497|p|5|Dell SupportAssist
dell|openmanage_server_administrator|S8|11.0.1.0|p|5|OpenManage Server Administrator
hp|support_assistant|W15|9.32.34.0|p|4|HP Support Assistant
hp|hotkey_support|W12|10.0.1.0|p|1|HP Hotkey Support
hp|universal_print_driver|W10,S10|7.2.0.25780|p|2|HP Universal Print Driver
lenovo|vantage|W18|10.2405.21.0|p|4|Lenovo Vantage
lenovo|system_update|W12|5.08.02.25|p|3|Lenovo System Update
intel|graphics_driver|W55|31.0.101.5522|p|6|Intel Graphics Driver
intel|management_engine_components|W35|2406.5.5.0|p|4|Intel ME Components
intel|rapid_storage_technology|W20|19.5.1.1040|p|2|Intel RST
intel|proset_wireless|W40|23.50.0|m|3|Intel PROSet/Wireless
nvidia|gpu_display_driver|W18,S4|555.99|m|8|NVIDIA Display Driver
nvidia|geforce_experience|W6|3.28.0.417|p|3|GeForce Experience
amd|radeon_software|W8|24.5.1|p|4|AMD Software
realtek|audio_driver|W45|6.0.9668.1|p|2|Realtek Audio Driver
logitech|options|W10,M12|10.22.0|p|2|Logi Options+
synaptics|pointing_device_driver|W12|19.5.35.1|p|1|Synaptics Pointing Device
crowdstrike|falcon_sensor|W2,S2|7.15.18514|p|2|Falcon Sensor
sophos|endpoint_agent|W2|2023.2.2.1|p|2|Sophos Endpoint
malwarebytes|malwarebytes|W3|5.1.5.116|p|2|Malwarebytes
trendmicro|apex_one|W2,S2|14.0.12980|p|4|Apex One
mcafee|agent|W3,S3|5.8.1.250|p|3|McAfee Agent
symantec|endpoint_protection|W2,S2|14.3.10148.8000|p|4|Symantec Endpoint Protection
apache|tomcat|S10,L18|9.0.90|p|15|Apache Tomcat
apache|http_server|S4,L25|2.4.59|p|15|Apache HTTP Server
apache|log4j|S8,L10|2.23.1|p|6|Apache Log4j
apache|openoffice|W3|4.1.15|p|5|Apache OpenOffice
apache|maven|W3,L6,M4|3.9.8|p|2|Apache Maven
apache|kafka|L4|3.7.0|p|4|Apache Kafka
apache|activemq|L2,S1|6.1.2|p|4|Apache ActiveMQ
apache|struts|L1|6.4.0|p|6|Apache Struts
nginx|nginx|L30|1.26.1|p|8|nginx
openbsd|openssh|L97,M99,S25,W20|9.8p1|m|10|OpenSSH
openssl|openssl|L99,M60,S20,W25|3.0.14|p|14|OpenSSL
curl|curl|L99,M99,W30|8.8.0|p|10|curl
gnu|bash|L99,M99|5.2.21|p|3|GNU Bash
gnu|glibc|L99|2.39|p|8|GNU C Library
gnu|tar|L99|1.35|p|1|GNU tar
gnu|wget|L80|1.24.5|p|2|GNU Wget
gnu|gnutls|L70|3.8.5|p|4|GnuTLS
sudo_project|sudo|L99,M99|1.9.15p5|p|4|sudo
systemd_project|systemd|L95|255.4|p|4|systemd
linux|linux_kernel|L99|6.8.12|p|40|Linux kernel
polkit_project|polkit|L85|124|m|3|polkit
openprinting|cups|L40,M99|2.4.8|p|5|CUPS
samba|samba|L20,M1|4.20.2|p|8|Samba
isc|bind|L8|9.18.27|p|8|BIND
postgresql|postgresql|L15,S3,W2|16.3|m|8|PostgreSQL
mariadb|mariadb|L10|11.4.2|p|6|MariaDB
redis|redis|L12|7.2.5|p|6|Redis
mongodb|mongodb|L8,S2|7.0.11|p|5|MongoDB
php|php|L18,S4|8.3.8|p|12|PHP
perl|perl|L90,M90|5.38.2|p|3|Perl
ruby-lang|ruby|L15,M80|3.3.3|p|4|Ruby
golang|go|L10,M8,W3|1.22.4|p|6|Go
rust-lang|rust|L5,M5,W2|1.79.0|m|1|Rust
vim|vim|L90,M99|9.1.0500|p|8|Vim
gnu|emacs|L10,M5|29.4|m|2|GNU Emacs
zlib|zlib|L99,M99|1.3.1|p|2|zlib
libexpat_project|libexpat|L95|2.6.2|p|3|Expat
libxml2_project|libxml2|L95,M99|2.12.8|p|5|libxml2
sqlite|sqlite|L90,M99,W20|3.46.0|p|5|SQLite
python|pip|L60,M30,W10|24.1|m|1|pip
kubernetes|kubelet|L15|1.30.2|p|6|kubelet
containerd|containerd|L25|1.7.18|p|4|containerd
grafana|grafana|L5|11.0.0|p|5|Grafana
jenkins|jenkins|L4,S2|2.462|p|8|Jenkins
gitlab|gitlab|L2|17.1.1|p|12|GitLab
atlassian|confluence_server|L2,S1|8.9.3|p|10|Confluence
atlassian|jira_server|L2,S1|9.12.10|p|8|Jira
atlassian|sourcetree|W3,M4|3.4.18|p|1|Sourcetree
zabbix|zabbix_agent|L20,S10|6.4.15|p|4|Zabbix Agent
nagios|nrpe|L8|4.1.0|m|2|NRPE
puppet|puppet_agent|L10,S3|8.7.0|p|2|Puppet Agent
chef|chef_infra_client|L4,S2|18.4.12|p|2|Chef Infra Client
redhat|ansible|L8,M3|2.17.1|p|3|Ansible
canonical|snapd|L45|2.63|m|3|snapd
canonical|netplan|L40|1.0|m|1|netplan
homebrew|homebrew|M40|4.3.7|p|1|Homebrew
iterm2|iterm2|M20|3.5.2|p|2|iTerm2
rogue_amoeba|soundsource|M3|5.6.4|p|1|SoundSource
parallels|desktop|M8|19.4.0|p|4|Parallels Desktop
omnigroup|omnigraffle|M3|7.23.1|p|1|OmniGraffle
figma|figma|W4,M12|124.1.16|p|1|Figma
canva|canva|W3,M4|1.87.0|p|1|Canva
grammarly|grammarly|W6,M5|1.2.82.1470|p|1|Grammarly
evernote|evernote|W3,M4|10.94.3|p|2|Evernote
notion|notion|W5,M8|3.10.0|p|1|Notion
whatsapp|whatsapp|W5,M5|2.2425.6.0|p|2|WhatsApp Desktop
telegram|telegram_desktop|W3,M2|5.2.2|p|2|Telegram Desktop
signal|signal_desktop|W2,M2|7.14.0|p|1|Signal Desktop
mremoteng|mremoteng|W4,S6|1.76.20|p|2|mRemoteNG
royalapps|royal_ts|W2|7.2.50528|p|1|Royal TS
sap|gui|W5|8.00.7900|p|6|SAP GUI
sap|crystal_reports_runtime|W3,S5|13.0.35.4690|p|3|Crystal Reports Runtime
autodesk|autocad|W3|24.3.61.0|p|6|AutoCAD
autodesk|desktop_app|W3|2.0.0.750|p|1|Autodesk Desktop App
bluebeam|revu|W2|21.1.0|m|2|Bluebeam Revu
trimble|sketchup|W2,M2|24.0.553|p|3|SketchUp
ivanti|secure_access_client|W6|22.7.1|p|6|Ivanti Secure Access
ivanti|endpoint_manager_agent|W4,S4|2024.1|m|4|Ivanti EPM Agent
manageengine|desktop_central_agent|W5,S5|11.3.2400.10|p|5|Endpoint Central Agent
kaseya|vsa_agent|W2,S2|9.5.22.4|p|4|Kaseya Agent
connectwise|screenconnect_client|W4,S4|24.1.10.8865|p|6|ScreenConnect Client
progress|moveit_transfer|S1|2024.0.2|p|6|MOVEit Transfer
progress|ws_ftp_server|S1|8.8.7|p|4|WS_FTP Server
ivanti|connect_secure|S1|22.7.2|p|8|Connect Secure
microsoft|windows_defender_antimalware_platform|W99,S95|4.18.24050.7|p|2|Defender Antivirus platform
microsoft|msxml|W90,S90|6.30.19041.1|p|2|MSXML
microsoft|silverlight|W2|5.1.50918.0|p|4|Silverlight
microsoft|visual_studio_2019|W4,S1|16.11.37|p|5|Visual Studio 2019
microsoft|sql_server_2017|S5|14.0.3465.1|p|8|SQL Server 2017
microsoft|sql_server_2016|S4|13.0.7037.1|p|8|SQL Server 2016
microsoft|office_2016|W5|16.0.5452.1000|p|20|Office 2016
microsoft|office_2019|W4|16.0.10411.20011|p|18|Office 2019
microsoft|windows_app_sdk|W40|1.5.240607001|p|1|Windows App SDK
microsoft|webview2_runtime|W95,S50|126.0.2592.87|M|10|WebView2 Runtime
microsoft|intune_management_extension|W55|1.79.204.0|p|1|Intune Management Extension
microsoft|azure_information_protection|W8|2.16.96.0|p|2|Azure Information Protection
microsoft|monitoring_agent|S25|10.20.18069.0|p|2|Microsoft Monitoring Agent
microsoft|azure_monitor_agent|S20,L20|1.28.2|p|2|Azure Monitor Agent
microsoft|omi|L15|1.8.1.0|p|4|Open Management Infrastructure
microsoft|defender_for_endpoint_linux|L99|101.24052.0002|p|1|Defender for Endpoint (Linux)
microsoft|defender_for_endpoint_mac|M99|101.24052.0003|p|1|Defender for Endpoint (Mac)
`;

export interface ProductDef {
  index: number;
  id: string;
  vendor: string;
  name: string;
  display: string;
  /** Install probability by family key: W, S, M, L. */
  install: { W: number; S: number; M: number; L: number };
  /** Versions oldest first; last = current release. */
  versions: string[];
  cveWeight: number;
  /** OS product (one per device, picked from the device's OS profile). */
  isOs: boolean;
}

function stepVersions(latest: string, step: string, n: number): string[] {
  const nums = (latest.match(/\d+/g) ?? ['1']).map(Number);
  const seps = latest.split(/\d+/);
  const pos = step === 'M' ? 0 : step === 'm' ? Math.min(1, nums.length - 1) : nums.length - 1;
  const unitStep = Math.max(1, Math.round(nums[pos] / 200));
  const render = (v: number[]): string => {
    let out = seps[0];
    for (let i = 0; i < v.length; i++) out += String(v[i]) + (seps[i + 1] ?? '');
    return out;
  };
  const out: string[] = [];
  for (let k = n - 1; k >= 0; k--) {
    const v = nums.slice();
    v[pos] -= k * unitStep;
    for (let p = pos; p > 0 && v[p] < 0; p--) {
      v[p] += 10;
      v[p - 1] -= 1;
    }
    if (v[0] < 0) v[0] = 0;
    out.push(render(v));
  }
  return [...new Set(out)];
}

const VERSION_COUNT = 8;

function parse(): ProductDef[] {
  const out: ProductDef[] = [];
  const seen = new Set<string>();
  for (const line of LINES.split('\n')) {
    const t = line.trim();
    if (t === '') continue;
    const [vendor, name, fams, latest, step, weight, display] = t.split('|');
    const id = `${vendor}-_-${name}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const install = { W: 0, S: 0, M: 0, L: 0 };
    for (const f of fams.split(',')) {
      const k = f[0] as keyof typeof install;
      install[k] = Number(f.slice(1)) / 100;
    }
    out.push({
      index: out.length,
      id,
      vendor,
      name,
      display,
      install,
      versions: stepVersions(latest, step, VERSION_COUNT),
      cveWeight: Number(weight),
      isOs: false,
    });
  }
  return out;
}

/** OS products: versions are filled per OS profile (the patch list), so `versions` here is the union. */
const OS_PRODUCTS: readonly [string, string, string, number][] = [
  ['microsoft', 'windows_10', 'Windows 10', 180],
  ['microsoft', 'windows_11', 'Windows 11', 150],
  ['microsoft', 'windows_server_2012_r2', 'Windows Server 2012 R2', 160],
  ['microsoft', 'windows_server_2016', 'Windows Server 2016', 160],
  ['microsoft', 'windows_server_2019', 'Windows Server 2019', 160],
  ['microsoft', 'windows_server_2022', 'Windows Server 2022', 140],
  ['apple', 'macos', 'macOS', 90],
  ['canonical', 'ubuntu_linux', 'Ubuntu', 60],
  ['redhat', 'enterprise_linux', 'Red Hat Enterprise Linux', 50],
  ['debian', 'debian_linux', 'Debian', 40],
  ['apple', 'iphone_os', 'iOS', 30],
  ['google', 'android', 'Android', 30],
];

export const PRODUCTS: readonly ProductDef[] = (() => {
  const apps = parse();
  for (const [vendor, name, display, weight] of OS_PRODUCTS) {
    apps.push({
      index: apps.length,
      id: `${vendor}-_-${name}`,
      vendor,
      name,
      display,
      install: { W: 0, S: 0, M: 0, L: 0 },
      versions: [],
      cveWeight: weight,
      isOs: true,
    });
  }
  return apps;
})();

export const PRODUCT_BY_ID: ReadonlyMap<string, ProductDef> = new Map(PRODUCTS.map((p) => [p.id, p]));

/** Microsoft products whose fixes ship as KBs (rows carry `fixingKbId`). */
export function shipsKb(p: ProductDef): boolean {
  if (p.vendor !== 'microsoft') return false;
  return (
    p.isOs ||
    p.name.startsWith('office') ||
    p.name.startsWith('sql_server_20') ||
    p.name === '.net_framework' ||
    p.name.startsWith('exchange') ||
    p.name === 'sharepoint_server' ||
    p.name === 'msxml' ||
    p.name === 'skype_for_business' ||
    p.name === 'visio' ||
    p.name === 'project'
  );
}
