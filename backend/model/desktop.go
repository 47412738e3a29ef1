package model

// Desktop describes the app's place on the desktop for the settings page:
// where its files are and which PATH exec credential plugins are looked up in.
type Desktop struct {
	Version      string `json:"version"`
	SettingsFile string `json:"settingsFile"`
	// SettingsProblem says why the settings file was replaced by defaults
	// at start-up; empty when it was fine.
	SettingsProblem string `json:"settingsProblem,omitempty"`
	LogFile         string `json:"logFile"`
	LogProblem      string `json:"logProblem,omitempty"`
	// Path is the PATH searched for exec plugins, in order; PathSource says
	// where it came from and PathProblem why the login shell's was not used.
	Path        []string `json:"path"`
	PathSource  string   `json:"pathSource"`
	PathProblem string   `json:"pathProblem,omitempty"`
}
