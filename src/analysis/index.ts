export { formatProfile, profileModel, registerMacCounter, type LayerProfile, type MacCounter, type ModelProfile } from './profile.js';
