export { getLabels } from '../../../shared/gmailLabels';
